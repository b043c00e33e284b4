import { normaliseQuery } from './query.js';

/** Characters of context a snippet shows around the first match. */
const SNIPPET_CHARS = 160;

/**
 * A plain-text excerpt of `text` around the first place one of `terms` (normalised, as the index
 * matched them: a term may be a prefix of the word) occurs: whole words, one line, `…` where it
 * was cut. The start of the text when no term occurs in it (it matched on the title).
 */
export function snippetOf(text: string, terms: readonly string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  let at = -1;
  for (const term of terms) {
    const i = findWordStart(lower, normaliseQuery(term));
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) at = 0;
  let start = Math.max(0, at - SNIPPET_CHARS / 4);
  let end = Math.min(flat.length, start + SNIPPET_CHARS);
  start = Math.max(0, Math.min(start, end - SNIPPET_CHARS));
  // Whole words at the edges.
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space >= 0 && space < at) start = space + 1;
  }
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > at) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

/** Where `term` begins a word in `lower`, or -1. */
function findWordStart(lower: string, term: string): number {
  if (term === '') return -1;
  let from = 0;
  for (;;) {
    const i = lower.indexOf(term, from);
    if (i < 0) return -1;
    if (i === 0 || !/[\p{L}\p{N}]/u.test(lower[i - 1]!)) return i;
    from = i + 1;
  }
}
