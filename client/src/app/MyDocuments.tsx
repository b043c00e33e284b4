import { useEffect, useState } from 'react';
import { TandemApi, type MyDoc } from '../editor/api/TandemApi';
import { DocLink } from './DocLink';

const ROLE_TEXT: Record<MyDoc['role'], string> = { owner: 'owner', editor: 'can edit', commenter: 'can comment', viewer: 'can view' };

function DocList({ id, heading, docs, empty, navigate }: { id: string; heading: string; docs: MyDoc[]; empty: string; navigate: (path: string) => void }) {
  return (
    <section className="home__recent" aria-labelledby={id} data-list={id}>
      <h2 id={id}>{heading}</h2>
      {docs.length === 0 ? (
        <p className="home__empty">{empty}</p>
      ) : (
        <ul>
          {docs.map((d) => (
            <li key={d.name} data-role={d.role}>
              <DocLink name={d.name} title={d.title} meta={`${ROLE_TEXT[d.role]} · ${d.updatedAt ? `edited ${new Date(d.updatedAt).toLocaleString()}` : 'not edited yet'}`} navigate={navigate} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A signed-in person's documents, newest first (the server's order): theirs, and shared with them. */
export function MyDocuments({ navigate }: { navigate: (path: string) => void }) {
  const [docs, setDocs] = useState<MyDoc[] | null>(null);
  useEffect(() => {
    let live = true;
    new TandemApi('', undefined).myDocuments().then(
      (d) => live && setDocs(d),
      () => live && setDocs([]),
    );
    return () => {
      live = false;
    };
  }, []);
  if (docs === null) return null;
  return (
    <>
      <DocList id="mine-heading" heading="My documents" docs={docs.filter((d) => d.role === 'owner')} empty="Documents you create appear here." navigate={navigate} />
      <DocList id="shared-heading" heading="Shared with me" docs={docs.filter((d) => d.role !== 'owner')} empty="Documents people share with you appear here." navigate={navigate} />
    </>
  );
}
