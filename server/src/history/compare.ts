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
 * deleter of its item's id in the older state; nobody recorded: "Unknown".
 */
import type { Attributed, DeletedRun } from '../storage/kinds/authorship.js';
import { isChar, readTree, type CChar, type CItem, type CNode } from './compareTree.js';
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

/** Who inserted or deleted an item, as an index into the result's authors. */
class Attribution {
  readonly authors: Attributed[] = [];
  private readonly index = new Map<string, number>();
  private readonly clients: Map<number, Attributed>;
  private readonly runs = new Map<number, DeletedRun[]>();

  constructor(input: CompareAuthorship) {
    this.clients = new Map(input.clients);
    for (const run of input.deletions) {
      let list = this.runs.get(run.client);
      if (!list) this.runs.set(run.client, (list = []));
      list.push(run);
    }
    for (const list of this.runs.values()) list.sort((x, y) => x.clock - y.clock);
  }

  private of(who: Attributed | undefined): number {
    const w = who ?? { id: null, name: 'Unknown' };
    const key = `${w.id ?? ''}\u0000${w.name}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.authors.push(w) - 1;
      this.index.set(key, i);
    }
    return i;
  }

  inserter(client: number): number {
    return this.of(this.clients.get(client));
  }

  /** The last recorded deleter of the item (runs recorded later come later in the sorted list at equal clocks). */
  deleter(client: number, clock: number): number {
    const list = this.runs.get(client);
    if (!list) return this.of(undefined);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.clock <= clock) lo = mid + 1;
      else hi = mid;
    }
    // Runs of one client rarely overlap (an item deleted twice): the few below the clock decide.
    for (let i = lo - 1; i >= Math.max(0, lo - 16); i--) {
      const run = list[i]!;
      if (run.clock + run.length > clock) return this.of(run.by);
    }
    return this.of(undefined);
  }
}

/** A run of characters or one element: what the token diff compares. */
interface Token {
  key: string;
  items: CItem[];
}

/** Words, runs of spaces and single other characters (of one formatting), and elements. */
function tokens(items: readonly CItem[]): Token[] {
  const out: Token[] = [];
  let word: CChar[] = [];
  const end = () => {
    if (word.length > 0) out.push({ key: `${word.map((c) => c.ch).join('')}\u0000${word[0]!.mk}`, items: word });
    word = [];
  };
  for (const item of items) {
    if (!isChar(item)) {
      end();
      out.push({ key: item.key, items: [item] });
      continue;
    }
    const kind = /\w/.test(item.ch) ? 1 : /\s/.test(item.ch) ? 2 : 0;
    const prev = word[word.length - 1];
    if (prev && (kind === 0 || prev.mk !== item.mk || (/\w/.test(prev.ch) ? 1 : /\s/.test(prev.ch) ? 2 : 0) !== kind)) end();
    word.push(item);
    if (kind === 0) end();
  }
  end();
  return out;
}

type Change = { kind: 'ins' | 'del'; author: number; change: number };

class Merger {
  readonly changes: CompareChange[] = [];
  private open: CompareChange | undefined;

  constructor(private readonly who: Attribution) {}

  private same(): void {
    this.open = undefined;
  }

  private noteChange(kind: 'ins' | 'del', author: number, text: string): number {
    if (!this.open) this.changes.push((this.open = { id: this.changes.length, authors: [], inserted: '', deleted: '' }));
    const c = this.open;
    if (!c.authors.includes(author)) c.authors.push(author);
    if (kind === 'ins' && c.inserted.length < EXCERPT) c.inserted = (c.inserted + text).slice(0, EXCERPT);
    if (kind === 'del' && c.deleted.length < EXCERPT) c.deleted = (c.deleted + text).slice(0, EXCERPT);
    return c.id;
  }

  /** Items whose content is the same in both: taken from the newer state, unmarked. */
  private plain(items: readonly CItem[], out: PMNode[]): void {
    this.same();
    this.emit(items, undefined, out);
  }

  /** Items only one side has: every character marked with its inserter or deleter. */
  private whole(items: readonly CItem[], kind: 'ins' | 'del', out: PMNode[]): void {
    this.emit(items, kind, out);
  }

  private emit(items: readonly CItem[], kind: 'ins' | 'del' | undefined, out: PMNode[]): void {
    for (const item of items) {
      if (isChar(item)) {
        const change = kind && this.mark(kind, item.client, item.clock, item.ch);
        pushText(out, item, change);
        continue;
      }
      const node = nodeJSON(item);
      if (kind && item.children.length === 0) {
        // A leaf (an image, a line break, an empty paragraph): the element itself carries the mark.
        node.marks = [changeMark(this.mark(kind, item.client, item.clock, item.type === 'hardBreak' ? '\n' : ''))];
      }
      const content: PMNode[] = [];
      this.emit(item.children, kind, content);
      if (content.length > 0) node.content = content;
      out.push(node);
    }
  }

  private mark(kind: 'ins' | 'del', client: number, clock: number, text: string): Change {
    const author = kind === 'ins' ? this.who.inserter(client) : this.who.deleter(client, clock);
    return { kind, author, change: this.noteChange(kind, author, text) };
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
      const k = isChar(a) ? -1 : ins.findIndex((t, at) => at >= j && !isChar(t.items[0]!) && (t.items[0] as CNode).type === a.type);
      if (k < 0) {
        this.whole(d.items, 'del', out);
        continue;
      }
      // What the newer document inserted before the partner comes first, as there.
      for (; j < k; j++) this.whole(ins[j]!.items, 'ins', out);
      const b = ins[k]!.items[0] as CNode;
      const node = nodeJSON(b);
      const content: PMNode[] = [];
      this.merge((a as CNode).children, b.children, content);
      if (content.length > 0) node.content = content;
      out.push(node);
      j = k + 1;
    }
    for (; j < ins.length; j++) this.whole(ins[j]!.items, 'ins', out);
  }
}

function changeMark(c: Change): PMMark {
  return { type: c.kind === 'ins' ? INSERTION_MARK : DELETION_MARK, attrs: { author: c.author, change: c.change } };
}

function nodeJSON(n: CNode): PMNode {
  return n.attrs ? { type: n.type, attrs: n.attrs } : { type: n.type };
}

/** Adds a character to `out`, joined to the text node before it when marked alike. */
function pushText(out: PMNode[], c: CChar, change: Change | undefined): void {
  const last = out[out.length - 1] as (PMNode & { mk?: string; ck?: string }) | undefined;
  const ck = change ? `${change.kind}${change.author}:${change.change}` : '';
  if (last && last.type === 'text' && last.mk === c.mk && last.ck === ck) {
    last.text += c.ch;
    return;
  }
  const marks = [...(c.marks ?? []), ...(change ? [changeMark(change)] : [])];
  const node: PMNode & { mk?: string; ck?: string } = { type: 'text', text: c.ch };
  if (marks.length > 0) node.marks = marks;
  // Hidden while merging, dropped before the result leaves (non-enumerable: JSON skips them).
  Object.defineProperty(node, 'mk', { value: c.mk, writable: true, enumerable: false });
  Object.defineProperty(node, 'ck', { value: ck, writable: true, enumerable: false });
  out.push(node);
}

/** Compares two trees (compareTree.ts): the part the bench times apart from reading states. */
export function compareTrees(older: CNode, newer: CNode, authorship: CompareAuthorship): CompareResult {
  const who = new Attribution(authorship);
  const merger = new Merger(who);
  const content: PMNode[] = [];
  merger.merge(older.children, newer.children, content);
  return { doc: { type: 'doc', content }, authors: who.authors, changes: merger.changes };
}

/** Compares two states (Yjs updates), older first. */
export function compareStates(older: Uint8Array, newer: Uint8Array, authorship: CompareAuthorship): CompareResult {
  return compareTrees(readTree(older), readTree(newer), authorship);
}
