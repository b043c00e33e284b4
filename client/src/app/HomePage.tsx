import { useState } from 'react';
import { loadRecent, forgetDoc } from './storage';
import { DocLink } from './DocLink';
import { docPath } from './routes';
import { randomDocName } from './names';
import { ServerDocuments } from './ServerDocuments';
import { AccountMenu } from './AccountMenu';
import { MyDocuments } from './MyDocuments';
import { useMe } from './useMe';
import { markFresh } from './freshDocs';
import { SearchBox } from './SearchBox';

function when(ts: number): string {
  const minutes = Math.round((Date.now() - ts) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(ts).toLocaleDateString();
}

export function HomePage({ navigate }: { navigate: (path: string) => void }) {
  const [recent, setRecent] = useState(loadRecent);
  const me = useMe();
  return (
    <main className="home">
      <header className="home__header">
        <span className="app-logo" aria-hidden="true">T</span>
        <h1>Tandem</h1>
        <span className="home__spacer" />
        <AccountMenu me={me} />
      </header>
      <section className="home__start">
        <button
          type="button"
          className="home__new"
          onClick={() => {
            // A fresh, unguessable name; its page opens with the cursor in the title.
            const name = randomDocName();
            markFresh(name);
            navigate(docPath(name));
          }}
        >
          <span aria-hidden="true" className="home__plus">+</span>
          New document
        </button>
      </section>
      {me && <SearchBox navigate={navigate} />}
      <section className="home__recent" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent documents</h2>
        {recent.length === 0 ? (
          <p className="home__empty">Nothing yet. Documents you open on this device appear here.</p>
        ) : (
          <ul>
            {recent.map((d) => (
              <li key={d.name}>
                <DocLink name={d.name} title={d.title} meta={`opened ${when(d.openedAt)}`} navigate={navigate} />
                <button
                  type="button"
                  className="home__forget"
                  aria-label={`Remove ${d.title || d.name} from recent documents`}
                  title="Remove from this list"
                  onClick={() => {
                    forgetDoc(d.name);
                    setRecent(loadRecent());
                  }}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {me?.user ? <MyDocuments navigate={navigate} /> : me && <ServerDocuments navigate={navigate} />}
    </main>
  );
}
