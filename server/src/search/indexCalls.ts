// What the server asks of the search index's thread (index.worker.ts), and what it answers
// (IndexThread is the asking side). Calls are handled one at a time, in the order they were sent.
import type { SearchText } from '../storage/kinds/search.js';
import type { Hit } from './SearchIndex.js';

/**
 * The nice value of the index's thread (Linux: per thread), the conversion workers' (jobs.ts):
 * indexing a long document, a query over thousands and storing the index yield the CPU to the
 * message path where the server has one core.
 */
export const INDEX_NICE = 10;

/** Calls that answer nothing (a failure is reported with `id` 0). */
export type Notice =
  | { op: 'put'; name: string; text: SearchText }
  | { op: 'remove'; name: string }
  /** The search `search` is done: its ranked hits are dropped. */
  | { op: 'release'; search: number };

/** Calls that answer, by `id`. */
export type Call =
  /** Replaces the index by a stored one (as `serialize` gave it); answers how many documents it holds. */
  | { id: number; op: 'load'; data: Uint8Array }
  /** Empties the index. */
  | { id: number; op: 'clear' }
  /** The index as one JSON value, UTF-8. */
  | { id: number; op: 'serialize' }
  /**
   * Hits `from` to `from + count` of the ranked matches of `query` (normalised). The matches are
   * ranked once per `search` (a number the asker picks) and kept for its next pages until released.
   */
  | { id: number; op: 'page'; search: number; query: string; from: number; count: number };

export interface Page {
  hits: Hit[];
  /** Matches in all. */
  total: number;
}

export interface CallValue {
  load: number;
  clear: undefined;
  serialize: Uint8Array;
  page: Page;
}

export type Answer = { id: number; value: unknown } | { id: number; error: string };
