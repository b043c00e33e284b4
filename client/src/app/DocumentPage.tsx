import { useCallback, useEffect, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { UNTITLED } from '@tandem/schema';
import { FileMenu } from '../editor/ui/FileMenu';
import { HistoryPanel } from '../editor/ui/history/HistoryPanel';
import { TandemEditor } from '../editor/TandemEditor';
import type { TandemStatus } from '../editor/types';
import { DocMenu } from './DocMenu';
import { tokenSubject, useIdentity } from './identity';
import { NamePrompt } from './NamePrompt';
import { ShareDialog } from './ShareDialog';
import { AccountMenu } from './AccountMenu';
import { colorOf, useMe } from './useMe';
import { docPath, wsUrlFromLocation } from './routes';
import { rememberDoc } from './storage';
import { takeFresh } from './freshDocs';
import { TitleField } from './TitleField';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or not a secure context): the old way still works in most browsers.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function DocumentPage({ name, navigate }: { name: string; navigate: (path: string) => void }) {
  const search = window.location.search;
  const token = useMemo(() => new URLSearchParams(search).get('token') ?? undefined, [search]);
  const typed = useIdentity(search);
  const me = useMe();
  // Signed in (and no token of its own on the page): the provider's name, verified by the server.
  const signedIn = token === undefined ? me?.user : undefined;
  const verifiedUser = useMemo(() => signedIn && { name: signedIn.name, color: colorOf(signedIn.id), id: signedIn.id }, [signedIn]);
  // Until we know whether someone is signed in, no name prompt (it would flash for them).
  const identity = verifiedUser ? { ...typed, user: verifiedUser, needsName: false } : { ...typed, needsName: typed.needsName && me !== null };
  // A token's `sub` is the person's identity (the server checks it): their comments are verified.
  const userId = useMemo(() => tokenSubject(token), [token]);
  const user = useMemo(() => (userId ? { ...identity.user, id: userId } : identity.user), [identity.user, userId]);
  const url = useMemo(() => wsUrlFromLocation(window.location), []);
  const [copied, setCopied] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [status, setStatus] = useState<TandemStatus>('connecting');

  useEffect(() => rememberDoc(name), [name]);

  const handleTitle = useCallback(
    (title: string) => {
      document.title = `${title || UNTITLED} — Tandem`;
      if (title) rememberDoc(name, title);
    },
    [name],
  );
  // The Y.Doc the editor made, for the title field; a document just created starts in its title.
  const [session, setSession] = useState<{ doc: Y.Doc | null; editable: boolean }>({ doc: null, editable: false });
  const handleDocument = useCallback((doc: Y.Doc | null, editable: boolean) => setSession({ doc, editable }), []);
  const [fresh] = useState(() => takeFresh(name));

  // The token travels with the plain link: that is how access is shared without share links.
  const plainLink = `${window.location.origin}${docPath(name)}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const copyLink = (link: string) => {
    void copyText(link).then((ok) => {
      setCopied(ok);
      if (ok) window.setTimeout(() => setCopied(false), 2000);
    });
  };

  return (
    <div className="doc-page">
      <header className="doc-header">
        <a
          href="/"
          className="app-logo"
          aria-label="All documents"
          title="All documents"
          onClick={(e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            navigate('/');
          }}
        >
          T
        </a>
        <div className="doc-header__names">
          <TitleField doc={session.doc} editable={session.editable} startEditing={fresh} />
          <span className="doc-header__you">
            <span className="doc-header__doc-name">{name}</span> · You: <span style={{ color: identity.user.color }}>{identity.user.name}</span>
          </span>
        </div>
        <span className="doc-header__wide">
          <FileMenu url={url} document={name} token={token} offline={status === 'offline'} />
        </span>
        <span className="doc-header__spacer" />
        <button type="button" className="doc-header__history doc-header__wide" aria-pressed={historyOpen} onClick={() => setHistoryOpen((o) => !o)}>
          Version history
        </button>
        <button type="button" className="doc-header__share doc-header__wide" onClick={() => setSharing(true)} aria-haspopup="dialog">
          Share
        </button>
        <AccountMenu me={me} />
        <DocMenu url={url} document={name} token={token} offline={status === 'offline'} onHistory={() => setHistoryOpen(true)} onShare={() => setSharing(true)} />
      </header>
      <div className="doc-page__body">
        <TandemEditor url={url} document={name} user={user} token={token} onTitleChange={handleTitle} onDocument={handleDocument} onStatus={setStatus} autofocus={!fresh} className="doc-page__editor" />
        {historyOpen && <HistoryPanel url={url} document={name} token={token} onClose={() => setHistoryOpen(false)} />}
      </div>
      {sharing && <ShareDialog name={name} token={token} me={signedIn ?? null} plainLink={plainLink} copy={copyLink} copied={copied} onClose={() => setSharing(false)} />}
      {identity.needsName && <NamePrompt guestName={identity.user.name} onName={identity.setName} onDismiss={identity.dismiss} />}
    </div>
  );
}
