import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';

/**
 * A value read from everyone's awareness state, kept current. 'change' (not 'update') fires only
 * when someone joins, leaves or edits their state, not on the 15 s renewals; but carets move on
 * every keystroke and that is a change too, so the component re-renders only when `same` says
 * the value really differs. `read` and `same` must be stable (module functions).
 */
export function useAwarenessState<T>(awareness: Awareness | null, read: (awareness: Awareness) => T, same: (a: T, b: T) => boolean, empty: T): T {
  const [value, setValue] = useState<T>(() => (awareness ? read(awareness) : empty));
  useEffect(() => {
    if (!awareness) return;
    const handleChange = () => {
      const next = read(awareness);
      setValue((prev) => (same(prev, next) ? prev : next));
    };
    handleChange();
    awareness.on('change', handleChange);
    return () => awareness.off('change', handleChange);
  }, [awareness, read, same]);
  return value;
}
