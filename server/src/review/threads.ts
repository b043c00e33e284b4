/**
 * Threads as the document holds them (DESIGN.md, "Contract — review: comments"): read for the
 * API and the exports, and changed by the API through an update made against the document's
 * state, which then goes the way every update goes (stored, applied, sent to every peer).
 */
import * as Y from 'yjs';
import { BLOCK_SUGGESTION, COMMENTS, FRAGMENT, INSERTION, SUGGESTION_MARKS, commentAttributeKey, isCommentAttribute, readBlockSuggestion } from '@tandem/schema';
import { readAuthor, type Author } from './author.js';

export interface CommentView {
  id: string;
  author: Author;
  body: string;
  createdAt: string;
  editedAt?: string;
}

export interface ThreadView {
  id: string;
  quote: string;
  resolved: boolean;
  resolvedBy: Author | null;
  createdAt: string;
  /** No text carries its mark any more (the text was deleted). */
  detached: boolean;
  /** The reply thread of the suggestion with the thread's id (anchored by the suggestion's marks). */
  suggestion?: true;
  comments: CommentView[];
}

const SUGGESTION_KEYS = new Set<string>(SUGGESTION_MARKS);

/**
 * Each anchored thread and the offset (in characters of text, document order) where its text
 * starts: a comment's mark, or a suggestion's (its reply thread has the suggestion's id).
 */
export function anchorsOf(fragment: Y.XmlFragment): Map<string, number> {
  const at = new Map<string, number>();
  let offset = 0;
  const walk = (node: Y.XmlFragment | Y.XmlElement): void => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) {
        for (const op of child.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
          for (const [key, value] of Object.entries(op.attributes ?? {})) {
            const field = isCommentAttribute(key) ? 'thread' : SUGGESTION_KEYS.has(key) ? 'id' : undefined;
            const thread = field && value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
            if (typeof thread === 'string' && !at.has(thread)) at.set(thread, offset);
          }
          offset += typeof op.insert === 'string' ? op.insert.length : 1;
        }
      } else if (child instanceof Y.XmlElement) {
        const block = readBlockSuggestion(child.getAttribute(BLOCK_SUGGESTION));
        if (block && !at.has(block.id)) at.set(block.id, offset);
        walk(child);
      }
    }
  };
  walk(fragment);
  return at;
}

const str = (x: unknown): string => (typeof x === 'string' ? x : '');

function readComment(map: Y.Map<unknown>): CommentView {
  const out: CommentView = { id: str(map.get('id')), author: readAuthor(map.get('author')), body: str(map.get('body')), createdAt: str(map.get('createdAt')) };
  const edited = map.get('editedAt');
  if (typeof edited === 'string') out.editedAt = edited;
  return out;
}

/** Every thread, those anchored in the order of their text, then the detached ones by time. */
export function readThreads(doc: Y.Doc): ThreadView[] {
  // Asked of a live room, too: a document nobody commented on keeps no comments root (the
  // review rules let writers' updates through unread while it has none).
  if (!doc.share.has(COMMENTS)) return [];
  const anchors = anchorsOf(doc.getXmlFragment(FRAGMENT));
  const threads: ThreadView[] = [];
  doc.getMap<unknown>(COMMENTS).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return;
    const comments = value.get('comments');
    const by = value.get('resolvedBy');
    threads.push({
      id,
      quote: str(value.get('quote')),
      resolved: value.get('resolved') === true,
      resolvedBy: by === null || by === undefined ? null : readAuthor(by),
      createdAt: str(value.get('createdAt')),
      detached: !anchors.has(id),
      ...(value.get('suggestion') === true ? { suggestion: true as const } : {}),
      comments: comments instanceof Y.Array ? comments.toArray().flatMap((c) => (c instanceof Y.Map ? [readComment(c)] : [])) : [],
    });
  });
  const pos = (t: ThreadView) => anchors.get(t.id) ?? Infinity;
  return threads.sort((a, b) => pos(a) - pos(b) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/** Where a quote was found: the text runs of one block that hold it, with the part of each. */
type Span = Array<{ text: Y.XmlText; index: number; length: number }>;

/** A piece of accepted text: `length` characters at `index` of `text`. */
interface Piece {
  text: Y.XmlText;
  index: number;
  chars: string;
}

/**
 * The first occurrence of `quote` within one block's accepted text (runs split by inline nodes
 * are joined; pending insertions are not part of it, pending deletions are: DESIGN.md, "review:
 * suggestions"). A quote around a pending insertion is anchored on the accepted text either side.
 */
export function findQuote(fragment: Y.XmlFragment, quote: string): Span | undefined {
  let found: Span | undefined;
  const visit = (node: Y.XmlFragment | Y.XmlElement): boolean => {
    if (node instanceof Y.XmlElement && readBlockSuggestion(node.getAttribute(BLOCK_SUGGESTION))?.kind === 'insert') return false;
    const pieces = node.toArray().flatMap((c) => (c instanceof Y.XmlText ? acceptedPieces(c) : []));
    if (pieces.length > 0) {
      const joined = pieces.map((p) => p.chars).join('');
      const at = joined.indexOf(quote);
      if (at >= 0) {
        found = [];
        let start = 0;
        for (const piece of pieces) {
          const end = start + piece.chars.length;
          const from = Math.max(at, start);
          const to = Math.min(at + quote.length, end);
          if (to > from) found.push({ text: piece.text, index: piece.index + from - start, length: to - from });
          start = end;
        }
        return true;
      }
    }
    for (const child of node.toArray()) if (child instanceof Y.XmlElement && visit(child)) return true;
    return false;
  };
  visit(fragment);
  return found;
}

/** A text run's accepted characters, without its formatting, where they sit in the run. */
function acceptedPieces(text: Y.XmlText): Piece[] {
  const pieces: Piece[] = [];
  let index = 0;
  for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
    const chars = typeof op.insert === 'string' ? op.insert : '\ufffc';
    if (!op.attributes?.[INSERTION]) pieces.push({ text, index, chars });
    index += chars.length;
  }
  return pieces;
}

/** Makes a change to a copy of `state` and answers it as one update (empty when nothing changed). */
export function changeOf(state: Uint8Array, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const before = Y.encodeStateVector(doc);
    doc.transact(() => change(doc));
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}

/** Anchors a new thread on `span` and creates it with its first comment. */
export function addThread(doc: Y.Doc, span: Span, thread: { id: string; quote: string; createdAt: string; comment: CommentView }): void {
  const key = commentAttributeKey(thread.id);
  for (const part of span) part.text.format(part.index, part.length, { [key]: { thread: thread.id } });
  const map = new Y.Map<unknown>();
  doc.getMap<unknown>(COMMENTS).set(thread.id, map);
  map.set('quote', thread.quote);
  map.set('resolved', false);
  map.set('resolvedBy', null);
  map.set('createdAt', thread.createdAt);
  const comments = new Y.Array<Y.Map<unknown>>();
  map.set('comments', comments);
  comments.push([commentMap(thread.comment)]);
}

export function commentMap(c: CommentView): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  m.set('id', c.id);
  m.set('author', { ...c.author });
  m.set('body', c.body);
  m.set('createdAt', c.createdAt);
  return m;
}

/** The thread's map, or undefined. */
export function threadMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const t = doc.getMap<unknown>(COMMENTS).get(id);
  return t instanceof Y.Map ? t : undefined;
}

/** A thread's comment map and its index, or undefined. */
export function commentOf(thread: Y.Map<unknown>, id: string): { map: Y.Map<unknown>; index: number; list: Y.Array<unknown> } | undefined {
  const list = thread.get('comments');
  if (!(list instanceof Y.Array)) return undefined;
  const index = list.toArray().findIndex((c) => c instanceof Y.Map && c.get('id') === id);
  return index < 0 ? undefined : { map: list.get(index) as Y.Map<unknown>, index, list };
}

/** A copy of a Y.Map of plain values and nested maps and arrays (a thread, a comment), for another document. */
function copyMap(from: Y.Map<unknown>): Y.Map<unknown> {
  const to = new Y.Map<unknown>();
  from.forEach((value, key) => {
    if (value instanceof Y.Map) to.set(key, copyMap(value));
    else if (value instanceof Y.Array) to.set(key, Y.Array.from(value.toArray().map((v) => (v instanceof Y.Map ? copyMap(v) : v))));
    else to.set(key, value);
  });
  return to;
}

/**
 * A restore brings back the version's comments without losing what was written since: a thread
 * of the version deleted since comes back whole; in a thread both have, the version's comments
 * deleted since come back in their place, and everything newer (replies, edits, resolving) stays.
 * Nothing is taken away: a restore is undone by restoring the version before it, and comments
 * written after the version are the words of people who may not agree to lose them.
 */
export function restoreThreads(doc: Y.Doc, version: Y.Doc): void {
  const now = doc.getMap<unknown>(COMMENTS);
  version.getMap<unknown>(COMMENTS).forEach((thread, id) => {
    if (!(thread instanceof Y.Map)) return;
    const current = now.get(id);
    if (!(current instanceof Y.Map)) {
      now.set(id, copyMap(thread));
      return;
    }
    const then = thread.get('comments');
    const list = current.get('comments');
    if (!(then instanceof Y.Array) || !(list instanceof Y.Array)) return;
    const have = new Set(list.toArray().map((c) => (c instanceof Y.Map ? c.get('id') : undefined)));
    then.toArray().forEach((c, i) => {
      if (!(c instanceof Y.Map) || have.has(c.get('id'))) return;
      list.insert(Math.min(i, list.length), [copyMap(c)]);
    });
  });
}
