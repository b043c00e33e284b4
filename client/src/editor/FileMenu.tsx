import { useEffect, useRef, useState } from 'react';
import { TandemApi, type ExportFormat } from './api';

export interface FileMenuProps {
  url: string;
  document: string;
  token?: string | undefined;
  /** The server cannot be reached: downloads (which the server converts) cannot work, and say so. */
  offline?: boolean | undefined;
}

const DOWNLOADS = [
  { format: 'md', label: 'Download as Markdown' },
  { format: 'html', label: 'Download as HTML' },
  { format: 'txt', label: 'Download as text' },
] as const;

/** Saves a blob as a download with `filename`, without a URL that carries a credential. */
function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = window.document.createElement('a');
  a.href = href;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/**
 * File menu: downloads through the export API (the server converts; the token goes in a header,
 * never into a link), and Print.
 */
export function FileMenu({ url, document, token, offline = false }: FileMenuProps) {
  const [open, setOpen] = useState(false);
  const [why, setWhy] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!offline) setWhy(null);
  }, [offline]);
  useEffect(() => {
    if (!open) return;
    const first = root.current?.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
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
    setWhy(null);
    if (offline) {
      setWhy('Cannot download while offline: the server makes the file. Your edits are kept on this device; try again once connected.');
      return;
    }
    try {
      const { blob, filename } = await TandemApi.forServer(url, token).doc(document).exportFile(format);
      saveBlob(blob, filename);
    } catch (err) {
      setWhy(`The download failed: ${(err as Error).message}`);
    }
  };

  return (
    <div className="tandem-filemenu" ref={root}>
      <button type="button" className="tandem-filemenu__button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        File
      </button>
      {open && (
        <div className="tandem-filemenu__menu" role="menu" aria-label="File">
          {DOWNLOADS.map((d) => (
            <button key={d.format} type="button" role="menuitem" onClick={() => void download(d.format)}>
              {d.label}
            </button>
          ))}
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
      {why && (
        <p className="tandem-filemenu__why" role="alert">
          {why}
        </p>
      )}
    </div>
  );
}
