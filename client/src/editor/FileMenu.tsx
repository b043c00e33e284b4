import { useEffect, useRef, useState } from 'react';
import { moveInMenu } from './a11y';
import { docApiUrl } from './docApi';

export interface FileMenuProps {
  url: string;
  document: string;
  token?: string | undefined;
}

export const DOWNLOADS = [
  { format: 'md', label: 'Download as Markdown' },
  { format: 'html', label: 'Download as HTML' },
  { format: 'txt', label: 'Download as text' },
] as const;

/** File menu: downloads through the export API (the server converts), and Print. */
export function FileMenu({ url, document, token }: FileMenuProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

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

  return (
    <div className="tandem-filemenu" ref={root}>
      <button ref={button} type="button" className="tandem-filemenu__button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        File
      </button>
      {open && (
        <div className="tandem-filemenu__menu" role="menu" aria-label="File" onKeyDown={(e) => moveInMenu(e) || (e.key === 'Tab' && setOpen(false))}>
          {DOWNLOADS.map((d) => (
            <a key={d.format} role="menuitem" href={docApiUrl(url, document, '/export', token, { format: d.format })} download onClick={() => setOpen(false)}>
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
    </div>
  );
}
