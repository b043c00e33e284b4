import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { safeColor } from '@tandem/schema';
import { useAwarenessState } from '../ui/useAwarenessState';
import { readThreads, threadsMap, type Thread } from './threads';

/** The document's threads, live: read again whenever anyone (or an undo, or a restore) changes them. */
export function useThreads(doc: Y.Doc | null): Thread[] {
  const [threads, setThreads] = useState<Thread[]>(() => (doc ? readThreads(doc) : []));
  useEffect(() => {
    if (!doc) return;
    const map = threadsMap(doc);
    const handleChange = () => setThreads(readThreads(doc));
    handleChange();
    map.observeDeep(handleChange);
    return () => map.unobserveDeep(handleChange);
  }, [doc]);
  return threads;
}

/** Dark enough for a mark on white; used for names nobody in the document carries right now. */
const NAME_COLORS = ['#1a73e8', '#c5221f', '#137333', '#b06000', '#8430ce', '#007b83', '#a50e0e', '#5f6368'] as const;

/** The same colour for the same name, on every screen. */
export function nameColor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return NAME_COLORS[hash % NAME_COLORS.length]!;
}

const NO_COLORS = new Map<string, string>();

function readColors(awareness: Awareness): Map<string, string> {
  const colors = new Map<string, string>();
  awareness.getStates().forEach((state) => {
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
    const color = safeColor(user?.color);
    if (typeof user?.name === 'string' && color) colors.set(user.name, color);
  });
  return colors;
}

function sameColors(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, color]) => b.get(name) === color);
}

/** Authors' colours as their carets show them (awareness), by name; re-renders only when one changes. */
export function useAuthorColors(awareness: Awareness | null): (name: string) => string {
  const colors = useAwarenessState(awareness, readColors, sameColors, NO_COLORS);
  return (name) => colors.get(name) ?? nameColor(name);
}

/** Narrow screens (≤ 700px) get the threads in a drawer instead of a column beside the page. */
const NARROW = '(max-width: 700px)';

export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const handleChange = () => setNarrow(query.matches);
    handleChange();
    query.addEventListener('change', handleChange);
    return () => query.removeEventListener('change', handleChange);
  }, []);
  return narrow;
}
