import { useEffect, useRef, useState } from 'react';
import { docApiUrl } from './docApi';

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

/** File menu: downloads through the export API (the server converts), and Print. */
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

  return (
    <div className="tandem-filemenu" ref={root}>
      <button type="button" className="tandem-filemenu__button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        File
      </button>
      {open && (
        <div className="tandem-filemenu__menu" role="menu" aria-label="File">
          {DOWNLOADS.map((d) => (
            <a
              key={d.format}
              role="menuitem"
              href={docApiUrl(url, document, '/export', token, { format: d.format })}
              download
              onClick={(e) => {
                setOpen(false);
                if (!offline) return;
                // The browser would only report a failed download, in its own corner, without a reason.
                e.preventDefault();
                setWhy('Cannot download while offline: the server makes the file. Your edits are kept on this device; try again once connected.');
              }}
            >
              {d.label}
            </a>
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
