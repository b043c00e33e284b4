import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { diffBlocks, blocksOf, type DiffLine } from './blockDiff';
import { TandemApi, type VersionInfo } from './api';
import './history.css';

export interface HistoryPanelProps {
  /** WebSocket base URL of the server (as TandemEditor's `url`). */
  url: string;
  document: string;
  token?: string | undefined;
  onClose: () => void;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function who(v: VersionInfo): string {
  return v.authors.length === 0 ? 'No recorded author' : v.authors.map((a) => a.name).join(', ');
}

/**
 * Version history of a document (needs a write token): the list (time, who, name), a read-only
 * preview of one version with its differences to the current text, Restore (a new change every
 * peer receives), and Name this version.
 */
export function HistoryPanel({ url, document, token, onClose }: HistoryPanelProps) {
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [selected, setSelected] = useState<VersionInfo | null>(null);
  const [preview, setPreview] = useState<DiffLine[] | null>(null);
  const [label, setLabel] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const api = useMemo(() => TandemApi.forServer(url, token).doc(document), [url, document, token]);

  const refresh = useCallback(async () => {
    try {
      setVersions(await api.versions());
      setError('');
    } catch (err) {
      setError((err as Error).message);
      setVersions([]);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!selected) return;
    let live = true;
    setPreview(null);
    Promise.all([api.versionJson(selected.id), api.currentJson()]).then(
      ([version, current]) => live && setPreview(diffBlocks(blocksOf(current), blocksOf(version))),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [selected, api]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError('');
    try {
      await what();
      setMessage(done);
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const restore = () => selected && act(() => api.restore(selected.id), `Restored the version of ${when(selected.createdAt)}`);
  const nameVersion = (e: FormEvent) => {
    e.preventDefault();
    const name = label.trim();
    if (name) void act(() => api.nameVersion(name), `Saved “${name}”`).then(() => setLabel(''));
  };

  return (
    <aside className="tandem-history" aria-label="Version history">
      <div className="tandem-history__head">
        <h2 className="tandem-history__title">Version history</h2>
        <button type="button" className="tandem-history__close" onClick={onClose} aria-label="Close version history">×</button>
      </div>
      <form className="tandem-history__name" onSubmit={nameVersion}>
        <input aria-label="Version name" placeholder="Name the current version" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
        <button type="submit" disabled={busy || label.trim() === ''}>Name this version</button>
      </form>
      <p className="tandem-history__message" role="status">{message}</p>
      {error && <p className="tandem-history__error" role="alert">{error}</p>}
      {versions === null ? (
        <p>Loading…</p>
      ) : versions.length === 0 ? (
        <p>No versions yet: one is saved when editing pauses.</p>
      ) : (
        <ul className="tandem-history__list" aria-label="Versions">
          {versions.map((v) => (
            <li key={v.id}>
              <button
                type="button"
                className="tandem-history__item"
                aria-pressed={selected?.id === v.id}
                aria-label={`${v.name ? `${v.name}, ` : ''}${when(v.createdAt)}, by ${who(v)}`}
                data-version-id={v.id}
                onClick={() => setSelected(v)}
              >
                <span className="tandem-history__when">{when(v.createdAt)}</span>
                {v.name && <span className="tandem-history__label">{v.name}</span>}
                <span className="tandem-history__who">{who(v)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && (
        <section className="tandem-history__preview" aria-label={`Preview of the version of ${when(selected.createdAt)}`}>
          <div className="tandem-history__actions">
            <button type="button" onClick={() => void restore()} disabled={busy}>Restore this version</button>
          </div>
          {preview === null ? (
            <p>Loading…</p>
          ) : (
            <div className="tandem-history__doc" role="document" aria-readonly="true">
              {preview.map((line, i) => <PreviewBlock key={i} line={line} />)}
            </div>
          )}
        </section>
      )}
    </aside>
  );
}

/** One block of the preview: text the version adds is <ins>, text it lacks is <del>. */
function PreviewBlock({ line }: { line: DiffLine }) {
  const text = line.text || '\u00a0';
  const inner = line.change === 'added' ? <ins title="In this version, not in the current text">{text}</ins> : line.change === 'removed' ? <del title="In the current text, not in this version">{text}</del> : text;
  const className = `tandem-history__block tandem-history__block--${line.change}`;
  if (line.type === 'heading') {
    const level = Math.min(Math.max(line.level, 1), 3);
    const Tag = `h${level + 2}` as 'h3' | 'h4' | 'h5';
    return <Tag className={className} data-change={line.change}>{inner}</Tag>;
  }
  if (line.type === 'codeBlock') return <pre className={className} data-change={line.change}>{inner}</pre>;
  return <p className={className} data-change={line.change}>{inner}</p>;
}
