import { useEffect, useMemo, useRef, useState } from 'react';
import { trapTab, useReturnFocus } from '../editor/ui/a11y';
import { ApiFailure, TandemApi, type ShareLink, type ShareMode, type SignedInUser } from '../editor/api/TandemApi';
import { PeopleSection } from './PeopleSection';

export type ShareList =
  | { kind: 'links'; links: ShareLink[] }
  /** The server runs without AUTH_SECRET: anyone with the plain link can edit. */
  | { kind: 'open' }
  /** Our access cannot manage links (only writers can). */
  | { kind: 'viewer' }
  | { kind: 'error'; reason: string };

const MODE_TEXT: Record<ShareMode, string> = { read: 'Can view', comment: 'Can comment', write: 'Can edit' };

const EXPIRIES = [
  { label: 'Never expires', seconds: undefined },
  { label: 'Expires in 1 hour', seconds: 3600 },
  { label: 'Expires in 1 day', seconds: 86_400 },
  { label: 'Expires in 7 days', seconds: 7 * 86_400 },
] as const;

const modeText = (mode: ShareMode) => MODE_TEXT[mode];

function LinkRow({ link, onRevoke, copy }: { link: ShareLink; onRevoke: () => void; copy: (url: string) => void }) {
  const url = `${window.location.origin}${link.path}`;
  return (
    <li className="share-link" data-share-id={link.id} data-mode={link.mode}>
      <span className="share-link__what">
        {modeText(link.mode)}
        <span className="share-link__expiry">{link.expiresAt ? ` · until ${new Date(link.expiresAt).toLocaleString()}` : ' · no expiry'}</span>
      </span>
      <input className="share-link__url" readOnly value={url} aria-label={`${modeText(link.mode)} link`} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" onClick={() => copy(url)}>
        Copy
      </button>
      <button type="button" className="share-link__revoke" onClick={onRevoke}>
        Revoke
      </button>
    </li>
  );
}

/**
 * The Share dialog: when signed in, the document's people and general access (PeopleSection);
 * the link to this document, and — when the server runs with AUTH_SECRET and
 * we may write — links granting view or edit access, optionally expiring, that any writer can
 * revoke. Without AUTH_SECRET it says plainly that anyone with the link can edit.
 */
export function ShareDialog({ name, token, me, plainLink, copy, copied, onClose }: { name: string; token: string | undefined; me: SignedInUser | null; plainLink: string; copy: (url: string) => void; copied: boolean; onClose: () => void }) {
  const [list, setList] = useState<ShareList | null>(null);
  const [mode, setMode] = useState<ShareMode>('read');
  const [expiry, setExpiry] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  // A modal dialog: Tab stays inside while it is open, and closing puts focus back on Share.
  const returnFocus = useReturnFocus();
  const close = () => {
    onClose();
    returnFocus();
  };

  const api = useMemo(() => new TandemApi('', token).doc(name), [name, token]);
  const refresh = () =>
    api.listShares().then(
      ({ links, open }) => setList(open ? { kind: 'open' } : { kind: 'links', links }),
      (err: unknown) => {
        if (err instanceof ApiFailure && err.code === 'open_server') setList({ kind: 'open' });
        else if (err instanceof ApiFailure && err.status === 403) setList({ kind: 'viewer' });
        else setList({ kind: 'error', reason: (err as Error).message });
      },
    );
  useEffect(() => {
    void refresh();
    dialog.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name, token]);

  const create = async () => {
    setError(null);
    try {
      await api.createShare(mode, EXPIRIES[expiry]!.seconds);
      await refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const revoke = async (id: string) => {
    setError(null);
    try {
      await api.revokeShare(id);
      await refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="share-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        ref={dialog}
        className="share-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="share-title"
        tabIndex={-1}
        onKeyDown={(e) => (e.key === 'Escape' ? close() : trapTab(e))}
      >
        <h2 id="share-title">Share “{name}”</h2>
        {me && <PeopleSection name={name} me={me} />}
        {me && <h3 className="people__heading">Links</h3>}
        {list === null && <p>Loading…</p>}
        {list?.kind === 'open' && (
          <>
            <p className="share-dialog__note" data-share="open">
              This server has no access control: anyone with the link can edit.
            </p>
            <div className="share-link share-link--plain">
              <input className="share-link__url" readOnly value={plainLink} aria-label="Link" onFocus={(e) => e.currentTarget.select()} />
              <button type="button" onClick={() => copy(plainLink)}>
                Copy
              </button>
            </div>
          </>
        )}
        {list?.kind === 'viewer' && (
          <p className="share-dialog__note" data-share="viewer">
            You can view this document. Only people who can edit it can create links.
          </p>
        )}
        {list?.kind === 'error' && (
          <p className="share-dialog__error" role="alert">
            {list.reason}
          </p>
        )}
        {list?.kind === 'links' && (
          <>
            <div className="share-create">
              <select aria-label="Access" value={mode} onChange={(e) => setMode(e.target.value as ShareMode)}>
                <option value="read">Can view</option>
                <option value="comment">Can comment</option>
                <option value="write">Can edit</option>
              </select>
              <select aria-label="Expiry" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
                {EXPIRIES.map((x, i) => (
                  <option key={x.label} value={i}>
                    {x.label}
                  </option>
                ))}
              </select>
              <button type="button" className="share-create__button" onClick={() => void create()}>
                Create link
              </button>
            </div>
            {list.links.length === 0 ? (
              <p className="share-dialog__note">No links yet.</p>
            ) : (
              <ul className="share-links" aria-label="Links">
                {list.links.map((l) => (
                  <LinkRow key={l.id} link={l} copy={copy} onRevoke={() => void revoke(l.id)} />
                ))}
              </ul>
            )}
          </>
        )}
        {error && (
          <p className="share-dialog__error" role="alert">
            {error}
          </p>
        )}
        {/* Inside the dialog: the page behind it is covered, and a screen reader is in here. */}
        <p className="share-dialog__copied" role="status">
          {copied ? 'Link copied' : ''}
        </p>
        <button type="button" className="share-dialog__close" onClick={close}>
          Done
        </button>
      </div>
    </div>
  );
}
