/**
 * What an update does to one Y.XmlText, worked out without applying it: the text's item list is
 * copied into light nodes, the update's new items are placed among them the way Yjs places them
 * (YATA, as `Item.integrate` does it, splitting nodes where an item's neighbour lies inside
 * one), the update's deletions are marked, and every piece of content is given the formatting
 * attributes it has before the update and after it. review/suggestionRules.ts judges those.
 *
 * Cost: one walk of that text's items plus, per new item, the items between its neighbours
 * (Yjs does the same walk when it applies the update); nothing outside the text is read.
 */
import * as Y from 'yjs';

/** A run of one item (or of the part of it left after splitting). */
export interface TextNode {
  readonly client: number;
  clock: number;
  len: number;
  readonly content: Y.Item['content'];
  /** The item's own: the update's when `fresh`. */
  readonly item: Y.Item;
  readonly fresh: boolean;
  /** Deleted before the update. */
  readonly deleted: boolean;
  /** Deleted by the update (or gone with its text). */
  gone: boolean;
  origin: Y.ID | null;
  rightOrigin: Y.ID | null;
  left: TextNode | null;
  right: TextNode | null;
  /** Formatting in effect on this content before and after the update (content only). */
  before?: ReadonlyMap<string, unknown>;
  after?: ReadonlyMap<string, unknown>;
  placed: boolean;
}

/** An update's items whose neighbour the text does not hold (Yjs would keep them pending). */
export class MissingNeighbour extends Error {}

export class TextMerge {
  private start: TextNode | null = null;
  /** Nodes by client, in clock order (integrated ones and the update's, placed or not). */
  private readonly byClient = new Map<number, TextNode[]>();

  /**
   * @param existing the text's items as they are (its `_start` list), or none for a new text
   * @param fresh the update's items that land in this text, each with how many of its first
   *   units the document holds already (Yjs integrates only the rest)
   */
  constructor(existing: Y.Item | null, fresh: ReadonlyArray<{ item: Y.Item; known: number }>) {
    let last: TextNode | null = null;
    for (let item: Y.Item | null = existing; item !== null; item = item.right) {
      const node = nodeOf(item, false);
      node.placed = true;
      node.left = last;
      if (last) last.right = node;
      else this.start = node;
      last = node;
      this.index(node);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.clock - b.clock);
    const added = fresh.map(({ item, known }) => nodeOf(item, true, known));
    for (const node of added) this.index(node);
    for (const list of this.byClient.values()) list.sort((a, b) => a.clock - b.clock);
    for (const node of added) this.place(node);
  }

  /** Marks what `ranges` (the update's delete set for `client`) deletes in this text. */
  deleteRanges(client: number, ranges: ReadonlyArray<{ clock: number; len: number }>): void {
    const list = this.byClient.get(client);
    if (!list) return;
    for (const { clock, len } of ranges) {
      const end = clock + len;
      // A delete set may hold a whole history (a sync step 2): skip ranges missing this text at once.
      if (!this.overlaps(list, clock, end)) continue;
      // Split at the range's ends so that whole nodes are marked.
      const first = this.find(Y.createID(client, clock), false);
      if (first && first.clock < clock) this.split(first, clock - first.clock);
      const lastNode = this.find(Y.createID(client, end - 1), false);
      if (lastNode && lastNode.clock + lastNode.len > end) this.split(lastNode, end - lastNode.clock);
      for (const n of this.byClient.get(client)!) if (n.clock >= clock && n.clock < end) n.gone = true;
    }
  }

  /** Everything in the text goes (the text itself is deleted by the update). */
  deleteAll(): void {
    for (let n = this.start; n; n = n.right) n.gone = true;
  }

  /**
   * The content nodes in order with their formatting before and after the update. Format items
   * count where they are live (Yjs skips deleted ones when it renders): before, the text's own;
   * after, without what the update deletes and with what it adds.
   */
  content(): TextNode[] {
    const out: TextNode[] = [];
    const before = new Map<string, unknown>();
    const after = new Map<string, unknown>();
    for (let n = this.start; n; n = n.right) {
      const liveBefore = !n.fresh && !n.deleted;
      const liveAfter = !n.deleted && !n.gone && !(n.content instanceof Y.ContentDeleted);
      if (n.content instanceof Y.ContentFormat) {
        if (liveBefore) setAttribute(before, n.content);
        if (liveAfter) setAttribute(after, n.content);
        continue;
      }
      if (!n.content.isCountable() || (!liveBefore && !liveAfter)) continue;
      n.before = liveBefore ? new Map(before) : undefined;
      n.after = liveAfter ? new Map(after) : undefined;
      out.push(n);
    }
    return out;
  }

  /** Whether any node of `list` (in clock order) holds a clock in [clock, end). */
  private overlaps(list: readonly TextNode[], clock: number, end: number): boolean {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.clock + list[mid]!.len <= clock) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && list[lo]!.clock < end;
  }

  private index(node: TextNode): void {
    const list = this.byClient.get(node.client);
    if (list) list.push(node);
    else this.byClient.set(node.client, [node]);
  }

  /** The node holding `id`; `placedOnly`: among the nodes already in the list. */
  private find(id: Y.ID, placedOnly = true): TextNode | undefined {
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = list[mid]!;
      if (id.clock < n.clock) hi = mid - 1;
      else if (id.clock >= n.clock + n.len) lo = mid + 1;
      else return !placedOnly || n.placed ? n : undefined;
    }
    return undefined;
  }

  /** The node holding `id`, placing it first when it is the update's. */
  private reach(id: Y.ID): TextNode {
    const n = this.find(id, false);
    if (!n) throw new MissingNeighbour(`no item ${id.client}:${id.clock} in the text`);
    if (!n.placed) this.place(n);
    return this.find(id)!;
  }

  /** Splits `node` after `at` of its units; the second part is returned (as Yjs's splitItem). */
  private split(node: TextNode, at: number): TextNode {
    const rest: TextNode = {
      ...node,
      clock: node.clock + at,
      len: node.len - at,
      origin: Y.createID(node.client, node.clock + at - 1),
      left: node,
      right: node.right,
    };
    node.len = at;
    if (node.right) node.right.left = rest;
    node.right = rest;
    const list = this.byClient.get(node.client)!;
    list.splice(list.indexOf(node) + 1, 0, rest);
    return rest;
  }

  /** Yjs's Item.integrate for an item of a list, on the nodes. */
  private place(node: TextNode): void {
    if (node.placed) return;
    node.placed = true; // a cycle of neighbours is no update Yjs could apply; stop here
    let left: TextNode | null = null;
    if (node.origin) {
      left = this.reach(node.origin);
      if (node.origin.clock < left.clock + left.len - 1) this.split(left, node.origin.clock - left.clock + 1);
    }
    let right: TextNode | null = null;
    if (node.rightOrigin) {
      right = this.reach(node.rightOrigin);
      if (node.rightOrigin.clock > right.clock) right = this.split(right, node.rightOrigin.clock - right.clock);
    }
    if ((!left && (!right || right.left !== null)) || (left && left.right !== right)) {
      let o = left ? left.right : this.start;
      const conflicting = new Set<TextNode>();
      const beforeOrigin = new Set<TextNode>();
      while (o !== null && o !== right) {
        beforeOrigin.add(o);
        conflicting.add(o);
        if (sameId(node.origin, o.origin)) {
          if (o.client < node.client) {
            left = o;
            conflicting.clear();
          } else if (sameId(node.rightOrigin, o.rightOrigin)) break;
        } else {
          const oOrigin = o.origin ? this.find(o.origin) : undefined;
          if (oOrigin && beforeOrigin.has(oOrigin)) {
            if (!conflicting.has(oOrigin)) {
              left = o;
              conflicting.clear();
            }
          } else break;
        }
        o = o.right;
      }
    }
    node.left = left;
    node.right = left ? left.right : this.start;
    if (node.right) node.right.left = node;
    if (left) left.right = node;
    else this.start = node;
  }
}

function nodeOf(item: Y.Item, fresh: boolean, known = 0): TextNode {
  return {
    client: item.id.client,
    clock: item.id.clock + known,
    len: item.length - known,
    content: item.content,
    item,
    fresh,
    deleted: !fresh && item.deleted,
    gone: false,
    origin: known > 0 ? Y.createID(item.id.client, item.id.clock + known - 1) : item.origin,
    rightOrigin: item.rightOrigin,
    left: null,
    right: null,
    placed: false,
  };
}

function sameId(a: Y.ID | null, b: Y.ID | null): boolean {
  return a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock);
}

function setAttribute(attrs: Map<string, unknown>, format: Y.ContentFormat): void {
  if (format.value === null) attrs.delete(format.key);
  else attrs.set(format.key, format.value);
}
