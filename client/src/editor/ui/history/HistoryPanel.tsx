import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useReturnFocus } from '../a11y';
import { ApiFailure, TandemApi, type DocNode, type VersionInfo } from '../../api/TandemApi';
import { fileFetchInit, imageUrl } from '../../api/authorizedImages';
import { CompareView } from './CompareView';
import { fetchComparison, type Comparison } from './compareApi';
import { RestoreConfirm } from './RestoreConfirm';
import { VersionPreview } from './VersionPreview';
import { versionTimes } from './versionTimes';
import './history.css';

export interface HistoryPanelProps {
  /** WebSocket base URL of the server (as TandemEditor's `url`). */
  url: string;
  document: string;
  token?: string | undefined;
  onClose: () => void;
}

function who(v: VersionInfo): string {
  return v.authors.length === 0 ? 'No recorded author' : v.authors.map((a) => a.name).join(', ');
}

/** No answer came at all: offline, or the server is down. */
const unreachable = (err: unknown) => (err instanceof ApiFailure && err.unreachable) || (typeof navigator !== 'undefined' && !navigator.onLine);
const OFFLINE = 'The server cannot be reached: version history needs a connection.';

interface Toast {
  text: string;
  /** The version holding the text a restore replaced: restoring it undoes that restore. */
  undo?: string | undefined;
}

/**
 * Version history of a document (needs a write token): the list (time, who, name), a preview of
 * one version rendered as the editor renders it, with what that version changed since the one
 * before; Restore (asked for first, a new change every peer receives, undoable from the toast),
 * Name this version, and Compare: the selected version against now or another version, word by
 * word with who changed what (CompareView).
 */
export function HistoryPanel({ url, document, token, onClose }: HistoryPanelProps) {
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [offline, setOffline] = useState(false);
  const [selected, setSelected] = useState<VersionInfo | null>(null);
  const [preview, setPreview] = useState<{ version: DocNode; before: DocNode | null } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [label, setLabel] = useState('');
  const [toast, setToast] = useState<Toast | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  /** Compare: the other side of the selected version ('now' or a version id), and the answer. */
  const [compareTo, setCompareTo] = useState('now');
  const [comparison, setComparison] = useState<{ result: Comparison; title: string } | null>(null);
  const bodies = useRef(new Map<string, Promise<DocNode>>());
  const returnFocus = useReturnFocus();
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a button far above it in the page: a keyboard user starts in the panel.
  useEffect(() => heading.current?.focus(), []);
  const close = () => {
    onClose();
    returnFocus();
  };

  const api = useMemo(() => TandemApi.forServer(url, token).doc(document), [url, document, token]);
  const imageSrc = useMemo(() => imageUrl(url), [url]);
  const fetchInit = useCallback((src: string) => fileFetchInit(url, token, src), [url, token]);
  const times = useMemo(() => versionTimes(versions ?? []), [versions]);
  const when = (v: VersionInfo) => times.get(v.id) ?? v.createdAt;

  const refresh = useCallback(async () => {
    try {
      setVersions(await api.versions());
      setOffline(false);
      setError('');
    } catch (err) {
      if (unreachable(err)) setOffline(true);
      else setError((err as Error).message);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
    window.addEventListener('online', refresh);
    return () => window.removeEventListener('online', refresh);
  }, [refresh]);

  // A version never changes: each body is fetched once.
  const body = useCallback(
    (id: string) => {
      let p = bodies.current.get(id);
      if (!p) {
        p = api.versionJson(id);
        p.catch(() => bodies.current.delete(id));
        bodies.current.set(id, p);
      }
      return p;
    },
    [api],
  );

  const olderId = selected && versions ? versions[versions.findIndex((v) => v.id === selected.id) + 1]?.id : undefined;
  useEffect(() => {
    setComparison(null);
    setCompareTo('now'); // the version picked before may be the one selected now
    if (!selected) return;
    let live = true;
    setPreview(null);
    Promise.all([body(selected.id), olderId ? body(olderId) : null]).then(
      ([version, before]) => live && setPreview({ version, before }),
      (err: unknown) => live && setError(unreachable(err) ? OFFLINE : (err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [selected, olderId, body]);

  const compare = async (from: VersionInfo) => {
    setBusy(true);
    setError('');
    try {
      const other = versions?.find((v) => v.id === compareTo);
      const result = await fetchComparison(url, token, document, from.id, compareTo);
      setComparison({ result, title: `Changes between the version of ${when(from)} and ${other ? `the version of ${when(other)}` : 'now'}` });
    } catch (err) {
      setError(unreachable(err) ? OFFLINE : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const act = async (what: () => Promise<Toast>) => {
    setBusy(true);
    setError('');
    try {
      setToast(await what());
      await refresh();
    } catch (err) {
      setError(unreachable(err) ? OFFLINE : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  /** `undoable`: the toast offers to restore the text this replaced (not after an undo itself). */
  const restore = (id: string, text: string, undoable: boolean) =>
    act(async () => {
      const { before } = await api.restore(id);
      // The document is the restored version now: a comparison made before would mislead.
      setSelected(null);
      setConfirming(false);
      return { text, undo: undoable ? (before ?? undefined) : undefined };
    });
  const nameVersion = (e: FormEvent) => {
    e.preventDefault();
    const name = label.trim();
    if (name) void act(async () => (await api.nameVersion(name), { text: `Saved “${name}”` })).then(() => setLabel(''));
  };

  return (
    <aside className="tandem-history" aria-label="Version history" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="tandem-history__head">
        <h2 className="tandem-history__title" ref={heading} tabIndex={-1}>Version history</h2>
        <button type="button" className="tandem-history__close" onClick={close} aria-label="Close version history">×</button>
      </div>
      <form className="tandem-history__name" onSubmit={nameVersion}>
        <input aria-label="Version name" placeholder="Name the current version" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
        <button type="submit" disabled={busy || offline || label.trim() === ''}>Name this version</button>
      </form>
      {error && <p className="tandem-history__error" role="alert">{error}</p>}
      {offline ? (
        <div className="tandem-history__offline" data-history="offline">
          <p>{OFFLINE} It loads again once you are back online.</p>
          <button type="button" onClick={() => void refresh()}>Try again</button>
        </div>
      ) : versions === null ? (
        <p>Loading…</p>
      ) : versions.length === 0 ? (
        <p>No versions yet: one is saved when editing pauses.</p>
      ) : (
        <ul className="tandem-history__list" aria-label="Versions">
          {versions.map((v) => (
            <li key={v.id}>
              <button type="button" className="tandem-history__item" aria-pressed={selected?.id === v.id} data-version-id={v.id} onClick={() => setSelected(v)}>
                <time className="tandem-history__when" dateTime={v.createdAt}>{when(v)}</time>
                {v.name && <span className="tandem-history__label">{v.name}</span>}
                <span className="tandem-history__who">{who(v)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && (
        <section className="tandem-history__preview" aria-label={`Preview of the version of ${when(selected)}`}>
          <div className="tandem-history__actions">
            <button type="button" onClick={() => setConfirming(true)} aria-expanded={confirming} disabled={busy || offline}>Restore this version</button>
          </div>
          <div className="tandem-compare__pick">
            <label>
              Compare with{' '}
              <select value={compareTo} onChange={(e) => setCompareTo(e.target.value)} aria-label="Compare with">
                <option value="now">Now</option>
                {(versions ?? []).filter((v) => v.id !== selected.id).map((v) => (
                  <option key={v.id} value={v.id}>{v.name ? `${v.name} (${when(v)})` : when(v)}</option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => void compare(selected)} disabled={busy || offline}>Compare</button>
            {comparison && <button type="button" onClick={() => setComparison(null)}>Back to preview</button>}
          </div>
          {confirming && (
            <RestoreConfirm
              when={when(selected)}
              busy={busy}
              onRestore={() => void restore(selected.id, `Restored the version of ${when(selected)}`, true)}
              onCancel={() => setConfirming(false)}
            />
          )}
          {comparison ? (
            <CompareView comparison={comparison.result} title={comparison.title} imageSrc={imageSrc} fetchInit={fetchInit} />
          ) : (
            <>
              {olderId && <p className="tandem-history__legend"><span className="tandem-history__key--added">Added</span> and <span className="tandem-history__key--removed">removed</span> since the version before</p>}
              {preview === null ? <p>Loading…</p> : <VersionPreview version={preview.version} before={preview.before} imageSrc={imageSrc} fetchInit={fetchInit} />}
            </>
          )}
        </section>
      )}
      <div className="tandem-history__toast" role="status">
        {toast && (
          <>
            <span>{toast.text}</span>
            {toast.undo && (
              <button type="button" disabled={busy} onClick={() => void restore(toast.undo!, 'Restore undone', false)}>
                Undo restore
              </button>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
