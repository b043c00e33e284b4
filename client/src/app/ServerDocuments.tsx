import { useCallback, useEffect, useState } from 'react';
import { DocLink } from './DocLink';

interface ServerDoc {
  name: string;
  title: string;
  size: number;
  updatedAt: string | null;
}

/**
 * The documents stored on this server (GET /api/docs), page by page. A server with AUTH_SECRET
 * answers 401 without a token: the section then stays away (the device's list is still there).
 */
export function ServerDocuments({ navigate }: { navigate: (path: string) => void }) {
  const [docs, setDocs] = useState<ServerDoc[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'hidden'>('loading');

  const load = useCallback(async (after: string | null) => {
    try {
      const res = await fetch(`/api/docs?limit=20${after ? `&cursor=${encodeURIComponent(after)}` : ''}`, { cache: 'no-store' });
      if (!res.ok) {
        setState((s) => (s === 'loading' ? 'hidden' : s));
        return;
      }
      const page = (await res.json()) as { documents: ServerDoc[]; cursor: string | null };
      setDocs((d) => (after ? [...d, ...page.documents] : page.documents));
      setCursor(page.cursor);
      setState('ready');
    } catch {
      setState((s) => (s === 'loading' ? 'hidden' : s));
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  if (state !== 'ready' || docs.length === 0) return null;
  return (
    <section className="home__recent" aria-labelledby="server-heading">
      <h2 id="server-heading">On this server</h2>
      <ul>
        {docs.map((d) => (
          <li key={d.name}>
            <DocLink name={d.name} title={d.title} meta={d.updatedAt ? `edited ${new Date(d.updatedAt).toLocaleString()}` : 'not edited yet'} navigate={navigate} />
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" className="home__more" onClick={() => void load(cursor)}>
          More documents
        </button>
      )}
    </section>
  );
}
