import { useEffect, useRef, useState } from 'react';
import { moveInMenu } from '../editor/ui/a11y';
import { DownloadNotice, downloadExport, DOWNLOADS } from '../editor/ui/FileMenu';

export interface DocMenuProps {
  url: string;
  document: string;
  token?: string | undefined;
  /** The server cannot be reached: downloads say so instead. */
  offline?: boolean | undefined;
  onHistory: () => void;
  onShare: () => void;
}

/**
 * The header's one menu on a phone (app.css shows it below 600 px instead of File, Version
 * history and Share), so that the header stays one row: title, avatars, this menu.
 */
export function DocMenu({ url, document, token, offline, onHistory, onShare }: DocMenuProps) {
  const [open, setOpen] = useState(false);
  const [why, setWhy] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  // Focus goes back to the menu button first: the sheet that opens returns it there on close.
  const choose = (action: () => void) => () => {
    button.current?.focus();
    setOpen(false);
    action();
  };

  return (
    <div className="doc-menu" ref={root}>
      <button ref={button} type="button" className="doc-menu__button" aria-label="Document menu" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">⋮</span>
      </button>
      {open && (
        <div
          className="doc-menu__menu"
          role="menu"
          aria-label="Document menu"
          onKeyDown={(e) => {
            if (moveInMenu(e)) return;
            if (e.key === 'Escape') {
              setOpen(false);
              button.current?.focus();
            } else if (e.key === 'Tab') setOpen(false);
          }}
        >
          <button type="button" role="menuitem" onClick={choose(onShare)}>Share</button>
          <button type="button" role="menuitem" onClick={choose(onHistory)}>Version history</button>
          {DOWNLOADS.map((d) => (
            <button
              key={d.format}
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                void downloadExport({ url, document, token, offline }, d.format).then(setWhy);
              }}
            >
              {d.label}
            </button>
          ))}
        </div>
      )}
      <DownloadNotice why={why} />
    </div>
  );
}
