import { useEffect, useState } from 'react';
import { UNTITLED } from '@tandem/schema';
import { docPath } from './routes';
import { searchDocuments, type SearchResult } from './workspaceApi';

/** Typing pauses this long before the server is asked. */
const DEBOUNCE_MS = 200;

/** Search across the documents this person can open: titles, then a snippet around the match. */
export function SearchBox({ navigate }: { navigate: (path: string) => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);

  useEffect(() => {
    if (q.trim() === '') {
      setResults(null);
      return;
    }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      searchDocuments(q, abort.signal).then(setResults, () => undefined);
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [q]);

  return (
    <section className="home__search" aria-label="Search">
      <input type="search" className="home__search-input" aria-label="Search documents" placeholder="Search documents" value={q} onChange={(e) => setQ(e.target.value)} />
      {results && (
        <section className="home__recent" aria-label="Search results">
          {results.length === 0 ? (
            <p className="home__empty">No documents match.</p>
          ) : (
            <ul>
              {results.map((r) => (
                <li key={r.name}>
                  <a
                    href={docPath(r.name)}
                    onClick={(e) => {
                      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                      e.preventDefault();
                      navigate(docPath(r.name));
                    }}
                  >
                    <span className="home__title">{r.title || UNTITLED}</span>
                    <span className="home__snippet">{r.snippet}</span>
                    <span className="home__meta">{r.name}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
