import { useEffect, useMemo, useState } from 'react';
import { ApiFailure, TandemApi, type DocPeople, type GeneralAccess, type Role, type SignedInUser } from '../editor/api/TandemApi';

const ROLE_TEXT: Record<Role, string> = { owner: 'Owner', editor: 'Editor', commenter: 'Commenter', viewer: 'Viewer' };
const GENERAL_TEXT: Record<GeneralAccess, string> = {
  restricted: 'Restricted: only people added',
  'link-viewer': 'Anyone signed in with the link can view',
  'link-commenter': 'Anyone signed in with the link can comment',
  'link-editor': 'Anyone signed in with the link can edit',
};
const RANK: Record<Role, number> = { viewer: 0, commenter: 1, editor: 2, owner: 3 };

/**
 * "Add people" by email with a role, the people with a role menu each, and general access, as
 * Google Docs has them (DESIGN.md, "People and roles"). What each may change is the server's rule;
 * the menus only offer it: editors up to editor, owners everything.
 */
export function PeopleSection({ name, me }: { name: string; me: SignedInUser }) {
  const api = useMemo(() => new TandemApi('', undefined).doc(name), [name]);
  const [record, setRecord] = useState<DocPeople | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.people().then(setRecord, (err: unknown) => setError((err as Error).message));
  }, [api]);

  const mine = record?.people.find((p) => p.email === me.email)?.role;
  const canShare = mine === 'owner' || mine === 'editor';
  const isOwner = mine === 'owner';
  const offered = (Object.keys(ROLE_TEXT) as Role[]).filter((r) => isOwner || RANK[r] <= RANK.editor);

  const save = async (next: DocPeople): Promise<boolean> => {
    setError(null);
    try {
      setRecord(await api.setPeople(next));
      return true;
    } catch (err) {
      setError(err instanceof ApiFailure && err.code === 'last_owner' ? 'A document keeps at least one owner: make someone else owner first.' : (err as Error).message);
      return false;
    }
  };

  if (!record) return error ? <p className="share-dialog__error" role="alert">{error}</p> : <p>Loading people…</p>;
  const add = async () => {
    const address = email.trim().toLowerCase();
    if (!address) return;
    const others = record.people.filter((p) => p.email !== address);
    if (await save({ ...record, people: [...others, { email: address, role }] })) setEmail('');
  };
  const change = (target: string, to: Role | 'remove') =>
    void save({ ...record, people: to === 'remove' ? record.people.filter((p) => p.email !== target) : record.people.map((p) => (p.email === target ? { ...p, role: to } : p)) });

  return (
    <section className="people" aria-label="People">
      {canShare && (
        <form
          className="people__add"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <input type="email" required placeholder="Add people by email" aria-label="Add people by email" value={email} onChange={(e) => setEmail(e.target.value)} />
          <select aria-label="Role for new person" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {offered.map((r) => (
              <option key={r} value={r}>
                {ROLE_TEXT[r]}
              </option>
            ))}
          </select>
          <button type="submit" className="share-create__button">
            Add
          </button>
        </form>
      )}
      <h3 className="people__heading">People with access</h3>
      <ul className="people__list" aria-label="People with access">
        {record.people.map((p) => {
          const editable = canShare && (isOwner || p.role !== 'owner');
          return (
            <li key={p.email} className="people__person" data-email={p.email} data-role={p.role}>
              <span className="people__who">
                {p.name && <strong>{p.name}</strong>}
                <span>{p.email === me.email ? `${p.email} (you)` : p.email}</span>
              </span>
              <select aria-label={`Role of ${p.email}`} value={p.role} disabled={!editable} onChange={(e) => change(p.email, e.target.value as Role | 'remove')}>
                {(editable ? offered : [p.role]).map((r) => (
                  <option key={r} value={r}>
                    {ROLE_TEXT[r]}
                  </option>
                ))}
                {editable && <option value="remove">Remove access</option>}
              </select>
            </li>
          );
        })}
      </ul>
      <h3 className="people__heading">General access</h3>
      <select className="people__general" aria-label="General access" value={record.general} disabled={!isOwner} onChange={(e) => void save({ ...record, general: e.target.value as GeneralAccess })}>
        {(Object.keys(GENERAL_TEXT) as GeneralAccess[]).map((g) => (
          <option key={g} value={g}>
            {GENERAL_TEXT[g]}
          </option>
        ))}
      </select>
      {error && (
        <p className="share-dialog__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
