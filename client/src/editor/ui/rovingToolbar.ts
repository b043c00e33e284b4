import { useEffect, type KeyboardEvent, type RefObject } from 'react';

/** Buttons of the toolbar itself, not those of a menu or form that opened from it. */
function items(root: HTMLElement): HTMLButtonElement[] {
  return [...root.querySelectorAll<HTMLButtonElement>('button')].filter((b) => !b.disabled && !b.hidden && b.closest('[role="menu"], form, [role="dialog"]') === null);
}

/**
 * WAI-ARIA's toolbar pattern with a roving tabindex: the toolbar is one Tab stop (the button
 * used last, else the first), and the arrow keys, Home and End move between its buttons. The
 * tabindex follows the buttons as they come and go (table tools) or get disabled (offline).
 */
export function useRovingTabindex(ref: RefObject<HTMLElement | null>): (e: KeyboardEvent<HTMLElement>) => void {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    let current: HTMLElement | null = null;
    const sync = () => {
      const all = items(root);
      if (!current || !all.includes(current as HTMLButtonElement)) current = all[0] ?? null;
      for (const b of all) b.tabIndex = b === current ? 0 : -1;
    };
    const handleFocus = (e: FocusEvent) => {
      if (items(root).includes(e.target as HTMLButtonElement)) {
        current = e.target as HTMLElement;
        sync();
      }
    };
    sync();
    root.addEventListener('focusin', handleFocus);
    const observer = new MutationObserver(sync);
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'hidden'] });
    return () => {
      root.removeEventListener('focusin', handleFocus);
      observer.disconnect();
    };
  }, [ref]);

  return (e) => {
    const all = items(e.currentTarget);
    const at = all.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return; // a key inside a menu or the link form
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    all[(to + all.length) % all.length]!.focus();
  };
}
