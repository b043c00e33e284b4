import type { ReactNode } from 'react';

export const mod = typeof navigator !== 'undefined' && /Mac|iP(hone|ad)/.test(navigator.platform) ? '⌘' : 'Ctrl+';

interface ButtonProps {
  label: string;
  shortcut?: string;
  /** Set for buttons that toggle (marks, blocks): becomes `aria-pressed`. */
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
  /** For buttons that open a menu. */
  expanded?: boolean;
}

export function ToolButton({ label, shortcut, pressed, disabled, onClick, children, expanded }: ButtonProps) {
  return (
    <button
      type="button"
      className="tandem-toolbar__button"
      aria-label={label}
      title={shortcut ? `${label} (${shortcut})` : label}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-haspopup={expanded === undefined ? undefined : 'true'}
      disabled={disabled}
      // Keep the editor's selection: a click on the toolbar must not blur the document.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
