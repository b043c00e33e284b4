import type { ReactNode } from 'react';
import { DeleteToast } from './DeleteToast';
import { ListedDocument, MoreDocuments, lastEdit, useDocumentPages } from './ServerDocuments';
import { useUndoableDelete } from './useUndoableDelete';
import type { ListedDoc } from './workspaceApi';

const ROLE_TEXT: Record<NonNullable<ListedDoc['role']>, string> = { owner: 'owner', editor: 'can edit', commenter: 'can comment', viewer: 'can view' };

function DocList({ id, heading, empty, children }: { id: string; heading: string; empty: string; children: ReactNode[] }) {
  return (
    <section className="home__recent" aria-labelledby={id} data-list={id}>
      <h2 id={id}>{heading}</h2>
      {children.length === 0 ? <p className="home__empty">{empty}</p> : <ul>{children}</ul>}
    </section>
  );
}

/**
 * A signed-in person's documents, newest first (the server's order), page by page: theirs, and
 * shared with them. Only owners may delete.
 */
export function MyDocuments({ navigate }: { navigate: (path: string) => void }) {
  const { docs, cursor, state, load, drop } = useDocumentPages();
  const deleting = useUndoableDelete(drop);
  if (state === 'loading') return null;
  const item = (d: ListedDoc) => (
    <ListedDocument
      key={d.name}
      doc={d}
      meta={`${d.role ? `${ROLE_TEXT[d.role]} · ` : ''}${lastEdit(d.updatedAt)}`}
      deletable={d.role === 'owner'}
      onDelete={() => deleting.start({ name: d.name, title: d.title })}
      navigate={navigate}
    />
  );
  const shown = docs.filter((d) => d.name !== deleting.pending?.name);
  return (
    <>
      <DocList id="mine-heading" heading="My documents" empty="Documents you create appear here.">
        {shown.filter((d) => d.role === 'owner').map(item)}
      </DocList>
      <DocList id="shared-heading" heading="Shared with me" empty="Documents people share with you appear here.">
        {shown.filter((d) => d.role !== 'owner').map(item)}
      </DocList>
      <MoreDocuments cursor={cursor} load={load} />
      <DeleteToast pending={deleting.pending} onUndo={deleting.undo} onClose={deleting.commit} />
    </>
  );
}
