import { useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { TITLE } from '@tandem/schema';

const none = () => () => undefined;

/**
 * The document's title: the root Y.Text `title` (DESIGN.md, "Contract — workspace"), live with
 * every peer and offline like the body. '' until someone sets it, and without a document.
 */
export function useDocTitle(doc: Y.Doc | null): string {
  const text = useMemo(() => doc?.getText(TITLE), [doc]);
  const subscribe = useMemo(
    () =>
      text
        ? (notify: () => void) => {
            text.observe(notify);
            return () => text.unobserve(notify);
          }
        : none,
    [text],
  );
  return useSyncExternalStore(subscribe, () => text?.toString() ?? '');
}

/**
 * Makes the title `next` by the smallest change (the common start and end are kept), so that two
 * people typing in the title at once both keep what they typed.
 */
export function replaceTitle(doc: Y.Doc, next: string): void {
  const text = doc.getText(TITLE);
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  while (start < current.length && start < next.length && current[start] === next[start]) start++;
  let end = 0;
  while (end < current.length - start && end < next.length - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  doc.transact(() => {
    text.delete(start, current.length - start - end);
    text.insert(start, next.slice(start, next.length - end));
  });
}
