import { useCallback, useEffect, useState } from 'react';
import { UNTITLED } from '@tandem/schema';
import { DeleteToast } from './DeleteToast';
import { DocLink } from './DocLink';
import { useUndoableDelete } from './useUndoableDelete';
import { listDocuments, type ListedDoc } from './workspaceApi';

/** "edited …" from the list's time. */
export function lastEdit(updatedAt: string | null): string {
  return updatedAt ? `edited ${new Date(updatedAt).toLocaleString()}` : 'not edited yet';
}

/**
 * The documents the server lets this page see (GET /api/docs?order=updated), newest first, page
 * by page, and found again by `load` (a page of more). A server whose list says no (AUTH_SECRET
 * without a token) shows nothing: the section stays away.
 */
export function useDocumentPages() {
  const [docs, setDocs] = useState<ListedDoc[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'hidden'>('loading');

  const load = useCallback(async (after: string | null) => {
    try {
      const page = await listDocuments(after);
      if (!page) {
        setState((s) => (s === 'loading' ? 'hidden' : s));
        return;
      }
      setDocs((d) => (after ? [...d, ...page.documents.filter((x) => !d.some((y) => y.name === x.name))] : page.documents));
      setCursor(page.cursor);
      setState('ready');
    } catch {
      setState((s) => (s === 'loading' ? 'hidden' : s));
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  const drop = useCallback((name: string) => setDocs((d) => d.filter((x) => x.name !== name)), []);
  return { docs, cursor, state, load, drop };
}

/** One listed document, with Delete when `deletable`. */
export function ListedDocument({ doc, meta, deletable, onDelete, navigate }: { doc: ListedDoc; meta: string; deletable: boolean; onDelete: () => void; navigate: (path: string) => void }) {
  return (
    <li data-role={doc.role} data-doc={doc.name}>
      <DocLink name={doc.name} title={doc.title} meta={meta} navigate={navigate} />
      {deletable && (
        <button type="button" className="home__forget" aria-label={`Delete ${doc.title || UNTITLED} (${doc.name})`} title="Delete for everyone" onClick={onDelete}>
          🗑
        </button>
      )}
    </li>
  );
}

/** The next page, when there is one. */
export function MoreDocuments({ cursor, load }: { cursor: string | null; load: (cursor: string) => Promise<void> }) {
  if (!cursor) return null;
  return (
    <button type="button" className="home__more" onClick={() => void load(cursor)}>
      More documents
    </button>
  );
}

/** Without sign-in: every document of this server (an open one), newest first, each deletable. */
export function ServerDocuments({ navigate }: { navigate: (path: string) => void }) {
  const { docs, cursor, state, load, drop } = useDocumentPages();
  const deleting = useUndoableDelete(drop);
  const shown = docs.filter((d) => d.name !== deleting.pending?.name);
  if (state !== 'ready' || docs.length === 0) return <DeleteToast pending={deleting.pending} onUndo={deleting.undo} onClose={deleting.commit} />;
  return (
    <section className="home__recent" aria-labelledby="server-heading">
      <h2 id="server-heading">On this server</h2>
      <ul>
        {shown.map((d) => (
          <ListedDocument key={d.name} doc={d} meta={lastEdit(d.updatedAt)} deletable onDelete={() => deleting.start({ name: d.name, title: d.title })} navigate={navigate} />
        ))}
      </ul>
      <MoreDocuments cursor={cursor} load={load} />
      <DeleteToast pending={deleting.pending} onUndo={deleting.undo} onClose={deleting.commit} />
    </section>
  );
}
