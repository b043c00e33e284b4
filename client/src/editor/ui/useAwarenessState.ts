import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';

const READ_MS = 100;

/**
 * A value read from everyone's awareness state, kept current. 'change' (not 'update') fires only
 * when someone joins, leaves or edits their state, not on the 15 s renewals; but carets move on
 * every keystroke and that is a change too, so the component re-renders only when `same` says
 * the value really differs. With hundreds of people moving their carets that is hundreds of
 * changes a second, so they are read at most every READ_MS. `read` and `same` must be stable
 * (module functions).
 */
export function useAwarenessState<T>(awareness: Awareness | null, read: (awareness: Awareness) => T, same: (a: T, b: T) => boolean, empty: T): T {
  const [value, setValue] = useState<T>(() => (awareness ? read(awareness) : empty));
  useEffect(() => {
    if (!awareness) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      timer = undefined;
      const next = read(awareness);
      setValue((prev) => (same(prev, next) ? prev : next));
    };
    const handleChange = () => {
      timer ??= setTimeout(update, READ_MS);
    };
    update();
    awareness.on('change', handleChange);
    return () => {
      clearTimeout(timer);
      awareness.off('change', handleChange);
    };
  }, [awareness, read, same]);
  return value;
}
