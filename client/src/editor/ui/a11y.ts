import { useCallback, useRef, type KeyboardEvent } from 'react';

/**
 * Remembers what had focus when the component mounted (the button that opened a menu, dialog or
 * panel); the function returned puts focus back there, as WAI-ARIA's dialog and menu patterns ask.
 */
export function useReturnFocus(): () => void {
  const opener = useRef<Element | null>(typeof document === 'undefined' ? null : document.activeElement);
  return useCallback(() => {
    const el = opener.current;
    if (el instanceof HTMLElement && el.isConnected) el.focus();
  }, []);
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements Tab may reach inside `root`, in order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el.getClientRects().length > 0);
}

/** Keeps Tab and Shift+Tab inside a modal dialog (onKeyDown of its root). */
export function trapTab(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'Tab') return;
  const items = focusables(e.currentTarget);
  if (items.length === 0) {
    e.preventDefault();
    return;
  }
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = e.currentTarget.ownerDocument.activeElement;
  if (e.shiftKey && (active === first || active === e.currentTarget)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * Arrow keys, Home and End between the items of a menu (onKeyDown of the element with
 * role="menu"), wrapping around; Down and Right go forward, Up and Left back, so that a column
 * of items and a row of swatches both work. Returns whether it handled the key.
 */
export function moveInMenu(e: KeyboardEvent<HTMLElement>): boolean {
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role^="menuitem"]')].filter((el) => !(el as HTMLButtonElement).disabled);
  const at = items.indexOf(e.currentTarget.ownerDocument.activeElement as HTMLElement);
  const to = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: items.length - 1 }[e.key];
  if (to === undefined || items.length === 0) return false;
  e.preventDefault();
  e.stopPropagation();
  items[(to + items.length) % items.length]!.focus();
  return true;
}
