import type { Editor } from '@tiptap/react';
import { useEffect, useRef, useState } from 'react';
import { moveInMenu } from './a11y';
import { ToolButton } from './ToolButton';

/** Google Docs' first row of text colours, named for screen readers. */
export const TEXT_COLORS = [
  { name: 'Black', value: '#000000' },
  { name: 'Dark grey', value: '#666666' },
  { name: 'Red', value: '#e00000' },
  { name: 'Orange', value: '#e69138' },
  { name: 'Green', value: '#38761d' },
  { name: 'Blue', value: '#1155cc' },
  { name: 'Purple', value: '#674ea7' },
] as const;

/** "Text colour": a small menu of named colours plus "Default colour". */
export function ColorMenu({ editor, current, disabled }: { editor: Editor; current: string | null; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  // Open with focus inside (on the colour in use, else the first), as WAI-ARIA's menu pattern.
  useEffect(() => {
    if (open) root.current?.querySelector<HTMLElement>('[role="menu"] [aria-checked="true"], [role="menu"] [role^="menuitem"]')?.focus();
  }, [open]);
  const choose = (value: string | null) => {
    const chain = editor.chain().focus();
    (value ? chain.setColor(value) : chain.unsetColor()).run();
    setOpen(false);
  };
  return (
    <span className="tandem-toolbar__popover" ref={root}>
      <ToolButton label="Text colour" expanded={open && !disabled} disabled={disabled} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true" className="tandem-color-glyph" style={{ borderBottomColor: current ?? 'currentColor' }}>
          A
        </span>
      </ToolButton>
      {open && !disabled && (
        <div
          className="tandem-menu tandem-menu--colors"
          role="menu"
          aria-label="Text colour"
          onKeyDown={(e) => {
            if (moveInMenu(e)) return;
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
              root.current?.querySelector<HTMLElement>('button')?.focus(); // back to "Text colour"
            } else if (e.key === 'Tab') setOpen(false);
          }}
        >
          {TEXT_COLORS.map((c) => (
            <button
              key={c.value}
              type="button"
              role="menuitemradio"
              aria-checked={current === c.value}
              aria-label={c.name}
              title={c.name}
              className="tandem-swatch"
              style={{ background: c.value }}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(c.value)}
            />
          ))}
          <button type="button" role="menuitem" className="tandem-menu__item" onMouseDown={(e) => e.preventDefault()} onClick={() => choose(null)}>
            Default colour
          </button>
        </div>
      )}
    </span>
  );
}
