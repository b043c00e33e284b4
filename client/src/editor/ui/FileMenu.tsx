import { useEffect, useRef, useState } from 'react';
import { moveInMenu } from './a11y';
import { TandemApi, type ExportFormat } from '../api/TandemApi';
import { IMPORT_ACCEPT, ImportChoice, importFile, type ImportResult } from './ImportFile';
import './print.css';

export interface FileMenuProps {
  url: string;
  document: string;
  token?: string | undefined;
  /** The server cannot be reached: downloads (which the server converts) cannot work, and say so. */
  offline?: boolean | undefined;
}

export const DOWNLOADS = [
  { format: 'md', label: 'Download as Markdown' },
  { format: 'html', label: 'Download as HTML' },
  { format: 'txt', label: 'Download as text' },
  { format: 'docx', label: 'Download .docx' },
] as const;

const OFFLINE = 'Cannot download while offline: the server makes the file. Your edits are kept on this device; try again once connected.';

/**
 * Downloads an export through the API (the token goes in a header, never into a link) and
 * saves it under the name the server gives; resolves to why it could not, or null.
 */
export async function downloadExport(place: { url: string; document: string; token?: string | undefined; offline?: boolean | undefined }, format: ExportFormat): Promise<string | null> {
  if (place.offline) return OFFLINE;
  try {
    const { blob, filename } = await TandemApi.forServer(place.url, place.token).doc(place.document).exportFile(format);
    const href = URL.createObjectURL(blob);
    const a = window.document.createElement('a');
    a.href = href;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
    return null;
  } catch (err) {
    return `The download failed: ${(err as Error).message}`;
  }
}

/** File menu: downloads through the export API (the server converts), Import… for writers, and Print. */
export function FileMenu(props: FileMenuProps) {
  const { offline = false } = props;
  const [open, setOpen] = useState(false);
  const [why, setWhy] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  /** What this credential may do with the document, once the server has said (`data-access` on the menu). */
  const [access, setAccess] = useState<'unknown' | 'read' | 'comment' | 'write'>('unknown');
  const canImport = access === 'write';
  const [chosen, setChosen] = useState<File | null>(null);
  const [imported, setImported] = useState<ImportResult | null>(null);

  // Import is for writers: the server says what this credential may do with the document.
  useEffect(() => {
    if (offline) return;
    const stop = new AbortController();
    void TandemApi.forServer(props.url, props.token)
      .access(props.document, stop.signal)
      .then((granted) => setAccess(granted?.kind === 'granted' ? granted.mode : 'unknown'), () => undefined);
    return () => stop.abort();
  }, [props.url, props.token, props.document, offline]);

  useEffect(() => {
    if (!offline) setWhy(null);
  }, [offline]);
  useEffect(() => {
    if (!open) return;
    const first = root.current?.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
      if (e instanceof KeyboardEvent && e.key === 'Escape') button.current?.focus();
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);

  const download = async (format: ExportFormat) => {
    setOpen(false);
    setWhy(await downloadExport(props, format));
  };

  const runImport = async (mode: 'replace' | 'append' | null) => {
    const file = chosen;
    setChosen(null);
    button.current?.focus();
    if (file && mode) setImported(await importFile(props, file, mode));
  };

  return (
    <div className="tandem-filemenu" ref={root}>
      <button ref={button} type="button" className="tandem-filemenu__button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        File
      </button>
      {open && (
        <div className="tandem-filemenu__menu" role="menu" aria-label="File" data-access={access} onKeyDown={(e) => moveInMenu(e) || (e.key === 'Tab' && setOpen(false))}>
          {DOWNLOADS.map((d) => (
            <button key={d.format} type="button" role="menuitem" onClick={() => void download(d.format)}>
              {d.label}
            </button>
          ))}
          {canImport && (
            <button
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                setImported(null);
                pickFile(setChosen);
              }}
            >
              Import…
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              window.print();
            }}
          >
            Print
          </button>
        </div>
      )}
      {chosen && <ImportChoice fileName={chosen.name} onChoose={(mode) => void runImport(mode)} />}
      {imported && (
        <div className={imported.ok ? 'tandem-filemenu__done' : 'tandem-filemenu__why'} role={imported.ok ? 'status' : 'alert'}>
          <span>{imported.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => setImported(null)}>
            ×
          </button>
        </div>
      )}
      <DownloadNotice why={why} />
    </div>
  );
}

/**
 * Opens the browser's file chooser. The input is never in the page: the toolbar's image input
 * stays the page's one file input.
 */
function pickFile(onFile: (file: File) => void): void {
  const input = window.document.createElement('input');
  input.type = 'file';
  input.accept = IMPORT_ACCEPT;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
  });
  input.click();
}

/** Why a download could not be made (offline, refused), shown under the menu that started it. */
export function DownloadNotice({ why }: { why: string | null }) {
  return why ? (
    <p className="tandem-filemenu__why" role="alert">
      {why}
    </p>
  ) : null;
}
