/**
 * Compare (DESIGN.md, "Contract — review: suggestions"): two states of a document as one
 * ProseMirror document in which what the newer one added carries a `compareInsertion` mark and
 * what it removed (taken from the older one) a `compareDeletion` mark, each with its author and
 * the change it belongs to.
 *
 * Stored versions are garbage-collected states, so content is compared, not Yjs histories:
 * blocks are aligned whole (a block unchanged is equal content), blocks of one type between two
 * aligned ones are paired and compared inside, down to words of text, marked per character.
 * Attribution is by Yjs ids: an inserted character by the client id of its item in the newer
 * state (the server recorded who wrote with each client id), a deleted one by the recorded
 * deleter of its item's id in the older state (the server records every accepted update's delete
 * set with its sender); a deletion nobody was recorded making goes to whoever inserted in the
 * same change, else to "Unknown", as does an insertion by a client id nobody was recorded using.
 */
import type { Attributed, DeletedRun } from '../storage/kinds/authorship.js';
import { Attribution } from './attribution.js';
import { isText, readTree, type CItem, type CNode, type CText } from './compareTree.js';
import { diffSequences } from './sequenceDiff.js';
import type { PMMark, PMNode } from './yjsJson.js';

/** The attribution compare needs, in a form a worker message carries. */
export interface CompareAuthorship {
  clients: Array<[number, Attributed]>;
  deletions: DeletedRun[];
}

export interface CompareChange {
  /** Its number, as in the marks' `change` attribute. */
  id: number;
  /** Indexes into `authors`. */
  authors: number[];
  inserted: string;
  deleted: string;
}

export interface CompareResult {
  /** The newer document with what the older one had and it lost put back, marked. */
  doc: PMNode;
  authors: Attributed[];
  changes: CompareChange[];
}

export const INSERTION_MARK = 'compareInsertion';
export const DELETION_MARK = 'compareDeletion';
const EXCERPT = 80;

/** A word (or a run of spaces, or one other character) of one formatting, or one element. */
interface Token {
  key: string;
  /** A word's pieces (a word may span runs of text of different writers), or the element. */
  items: CItem[];
}

/** 1: a word character, 2: white space, 0: anything else (a token of its own). */
function classOf(code: number): number {
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127) return code === 160 || code === 0x2028 ? 2 : 1;
  return code === 32 || (code >= 9 && code <= 13) ? 2 : 0;
}

function tokens(items: readonly CItem[]): Token[] {
  const out: Token[] = [];
  let pieces: CText[] = [];
  let key = '';
  let cls = -1;
  let mk = '';
  const end = () => {
    if (pieces.length > 0) out.push({ key: `${key}\u0000${mk}`, items: pieces });
    pieces = [];
    key = '';
    cls = -1;
  };
  for (const item of items) {
    if (!isText(item)) {
      end();
      out.push({ key: item.key, items: [item] });
      continue;
    }
    if (item.mk !== mk) end();
    mk = item.mk;
    let from = 0;
    for (let i = 0; i < item.text.length; i++) {
      const c = classOf(item.text.charCodeAt(i));
      if (c === cls && c !== 0) continue;
      if (i > from) pieces.push(slice(item, from, i)), (key += item.text.slice(from, i));
      from = i;
      end();
      cls = c;
    }
    if (item.text.length > from) pieces.push(slice(item, from, item.text.length)), (key += item.text.slice(from));
    if (cls === 0) end();
  }
  end();
  return out;
}

function slice(t: CText, from: number, to: number): CText {
  return from === 0 && to === t.text.length ? t : { text: t.text.slice(from, to), marks: t.marks, mk: t.mk, client: t.client, clock: t.clock + from };
}

/** A change mark's attributes; `author` undefined: a deletion nobody was recorded making, decided at the end. */
type Change = { kind: 'ins' | 'del'; author: number | undefined; change: number };

class Merger {
  readonly changes: CompareChange[] = [];
  private open: CompareChange | undefined;
  /** Per change, who inserted first in it (the fallback for its unrecorded deletions). */
  private readonly firstInserter: Array<number | undefined> = [];
  private readonly unrecorded: Array<{ attrs: Record<string, unknown>; change: number }> = [];

  constructor(private readonly who: Attribution) {}

  private noteChange(kind: 'ins' | 'del', author: number | undefined, text: string): number {
    if (!this.open) {
      this.changes.push((this.open = { id: this.changes.length, authors: [], inserted: '', deleted: '' }));
      this.firstInserter.push(undefined);
    }
    const c = this.open;
    if (author !== undefined && !c.authors.includes(author)) c.authors.push(author);
    if (kind === 'ins') this.firstInserter[c.id] ??= author;
    if (kind === 'ins' && c.inserted.length < EXCERPT) c.inserted = (c.inserted + text).slice(0, EXCERPT);
    if (kind === 'del' && c.deleted.length < EXCERPT) c.deleted = (c.deleted + text).slice(0, EXCERPT);
    return c.id;
  }

  /** Items whose content is the same in both: taken from the newer state, unmarked. */
  private plain(items: readonly CItem[], out: PMNode[]): void {
    this.open = undefined;
    this.emit(items, undefined, out);
  }

  private emit(items: readonly CItem[], kind: 'ins' | 'del' | undefined, out: PMNode[]): void {
    for (const item of items) {
      if (isText(item)) {
        if (!kind) pushText(out, item, undefined, this);
        else if (kind === 'ins') pushText(out, item, this.mark('ins', this.who.inserter(item.client), item.text), this);
        else {
          // One deleted run of text may have been deleted by several people: split where the deleter changes.
          for (let at = 0; at < item.text.length; ) {
            const { author, length } = this.who.deleter(item.client, item.clock + at, item.text.length - at);
            const piece = slice(item, at, at + length);
            pushText(out, piece, this.mark('del', author, piece.text), this);
            at += length;
          }
        }
        continue;
      }
      const node = nodeJSON(item);
      if (kind && item.children.length === 0) {
        // A leaf (an image, a line break, an empty paragraph): the element itself carries the mark.
        const author = kind === 'ins' ? this.who.inserter(item.client) : this.who.deleter(item.client, item.clock, 1).author;
        node.marks = [this.markOf(this.mark(kind, author, item.type === 'hardBreak' ? '\n' : ''))];
      }
      const content: PMNode[] = [];
      this.emit(item.children, kind, content);
      if (content.length > 0) node.content = content;
      out.push(node);
    }
  }

  private mark(kind: 'ins' | 'del', author: number | undefined, text: string): Change {
    return { kind, author, change: this.noteChange(kind, author, text) };
  }

  /** The mark of a change (an unrecorded deletion's author is filled in by `finish`). */
  markOf(c: Change): PMMark {
    const attrs: Record<string, unknown> = { author: c.author, change: c.change };
    if (c.author === undefined) this.unrecorded.push({ attrs, change: c.change });
    return { type: c.kind === 'ins' ? INSERTION_MARK : DELETION_MARK, attrs };
  }

  /**
   * A deletion nobody was recorded making — the text went before recording began, or its items
   * are still there and the word diff matched it elsewhere — is attributed to whoever inserted
   * first in the same change (they replaced it), else to "Unknown".
   */
  finish(): void {
    for (const { attrs, change } of this.unrecorded) {
      const author = this.firstInserter[change] ?? this.who.unknown;
      attrs.author = author;
      const c = this.changes[change]!;
      if (!c.authors.includes(author)) c.authors.push(author);
    }
  }

  /** The merged content of two lists of items. */
  merge(a: readonly CItem[], b: readonly CItem[], out: PMNode[]): void {
    const ta = tokens(a);
    const tb = tokens(b);
    const ops = diffSequences(ta.map((t) => t.key), tb.map((t) => t.key));
    let dels: Token[] = [];
    let ins: Token[] = [];
    const gap = () => {
      this.gap(dels, ins, out);
      dels = [];
      ins = [];
    };
    for (const op of ops) {
      if (op.op === 'del') dels.push(ta[op.i]!);
      else if (op.op === 'ins') ins.push(tb[op.j]!);
      else {
        gap();
        this.plain(tb[op.j]!.items, out);
      }
    }
    gap();
  }

  /**
   * What lies between two equal tokens: elements of one type on both sides are paired in order
   * and compared inside (a paragraph edited stays one paragraph); the rest is deleted, then
   * inserted.
   */
  private gap(dels: Token[], ins: Token[], out: PMNode[]): void {
    let j = 0;
    for (const d of dels) {
      const a = d.items[0]!;
      const k = isText(a) ? -1 : ins.findIndex((t, at) => at >= j && !isText(t.items[0]!) && (t.items[0] as CNode).type === a.type);
      if (k < 0) {
        this.emit(d.items, 'del', out);
        continue;
      }
      // What the newer document inserted before the partner comes first, as there.
      for (; j < k; j++) this.emit(ins[j]!.items, 'ins', out);
      const b = ins[k]!.items[0] as CNode;
      const node = nodeJSON(b);
      const content: PMNode[] = [];
      this.merge((a as CNode).children, b.children, content);
      if (content.length > 0) node.content = content;
      out.push(node);
      j = k + 1;
    }
    for (; j < ins.length; j++) this.emit(ins[j]!.items, 'ins', out);
  }
}

function nodeJSON(n: CNode): PMNode {
  return n.attrs ? { type: n.type, attrs: n.attrs } : { type: n.type };
}

/** Adds a run of text to `out`, joined to the text node before it when marked alike. */
function pushText(out: PMNode[], t: CText, change: Change | undefined, merger: Merger): void {
  const last = out[out.length - 1] as (PMNode & { mk?: string; ck?: string }) | undefined;
  const ck = change ? `${change.kind}${change.author ?? '?'}:${change.change}` : '';
  if (last && last.type === 'text' && last.mk === t.mk && last.ck === ck) {
    last.text += t.text;
    return;
  }
  const marks = [...(t.marks ?? []), ...(change ? [merger.markOf(change)] : [])];
  const node: PMNode & { mk?: string; ck?: string } = { type: 'text', text: t.text };
  if (marks.length > 0) node.marks = marks;
  // Kept while merging, never sent (not enumerable: JSON and structured clone skip them).
  Object.defineProperty(node, 'mk', { value: t.mk, writable: true, enumerable: false });
  Object.defineProperty(node, 'ck', { value: ck, writable: true, enumerable: false });
  out.push(node);
}

/** Compares two trees (compareTree.ts): the part the bench times apart from reading states. */
export function compareTrees(older: CNode, newer: CNode, authorship: CompareAuthorship): CompareResult {
  const who = new Attribution(authorship);
  const merger = new Merger(who);
  const content: PMNode[] = [];
  merger.merge(older.children, newer.children, content);
  merger.finish();
  return { doc: { type: 'doc', content }, authors: who.authors, changes: merger.changes };
}

/** Compares two states (Yjs updates), older first. */
export function compareStates(older: Uint8Array, newer: Uint8Array, authorship: CompareAuthorship): CompareResult {
  return compareTrees(readTree(older), readTree(newer), authorship);
}
