import { useEffect, useRef } from 'react';
import { mod } from './ToolButton';

const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['Bold', `${mod}B`],
  ['Italic', `${mod}I`],
  ['Underline', `${mod}U`],
  ['Strike', `${mod}Shift+S`],
  ['Code', `${mod}E`],
  ['Highlight', `${mod}Shift+H`],
  ['Clear formatting', `${mod}\\`],
  ['Link', `${mod}K`],
  ['Heading 1–3', `${mod}Alt+1…3`],
  ['Bullet list', `${mod}Shift+8`],
  ['Ordered list', `${mod}Shift+7`],
  ['Checklist', `${mod}Shift+9`],
  ['Quote', `${mod}Shift+B`],
  ['Code block', `${mod}Alt+C`],
  ['Align left', `${mod}Shift+L`],
  ['Align centre', `${mod}Shift+E`],
  ['Align right', `${mod}Shift+R`],
  ['Justify', `${mod}Shift+J`],
  ['Increase indent', 'Tab'],
  ['Decrease indent', 'Shift+Tab'],
  ['Next table cell', 'Tab'],
  ['Leave the document', 'Esc, then Tab'],
  ['Undo', `${mod}Z`],
  ['Redo', `${mod}Shift+Z`],
  ['Show the saved state', `${mod}S`],
  ['Keyboard shortcuts', `${mod}/`],
];

/** `Ctrl+/`: the keyboard shortcuts, as Google Docs shows them. Escape or "Close" returns to the document. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div
      className="tandem-dialog"
      role="dialog"
      aria-modal="true"
      aria-label="Keyboard shortcuts"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <h2 className="tandem-dialog__title">Keyboard shortcuts</h2>
      <table className="tandem-shortcuts">
        <tbody>
          {SHORTCUTS.map(([what, keys]) => (
            <tr key={what}>
              <th scope="row">{what}</th>
              <td>
                <kbd>{keys}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button ref={close} type="button" className="tandem-dialog__button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
