/**
 * Where each struct of an update lands (review/commentRules.ts reads the rules off it): the
 * comments root, a thread, its list of comments, a comment, the body, anything else — worked out
 * from the struct's parent or neighbours, found in the update itself, in the document, or in the
 * updates accepted before it and not yet applied (a burst of keystrokes).
 */
import * as Y from 'yjs';
import { COMMENTS, FRAGMENT } from '@tandem/schema';

/** Where a struct lands. `fresh`: the map or array it lands in is created by this same update. */
export type Place =
  | { at: 'root' }
  | { at: 'thread'; thread: string; fresh: boolean }
  | { at: 'list'; thread: string; fresh: boolean }
  | { at: 'comment'; thread: string; fresh: boolean; item: Y.Item }
  | { at: 'body' }
  | { at: 'other' }
  | { at: 'deep' }
  /** Inside content that is deleted and collected already: it will land nowhere. */
  | { at: 'gone' }
  /** Built on items nobody here has yet (Yjs keeps it pending until they come). */
  | { at: 'unknown' };

export class Places {
  /** Items of the update, by client, in clock order. */
  private readonly fresh = new Map<number, Y.Item[]>();
  private readonly freshItems = new Set<Y.Item>();
  private readonly memo = new Map<Y.Item, Place>();
  /** Items of the updates accepted before this one and not yet applied, on the first miss. */
  private loose: Array<Map<number, Y.Item[]>> | undefined;
  /** Where the look through the unapplied updates stopped. */
  private rest: Iterator<Uint8Array> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>,
    private readonly unapplied: () => Iterable<Uint8Array>,
  ) {
    for (const s of structs) {
      if (!(s instanceof Y.Item)) continue;
      (this.fresh.get(s.id.client) ?? this.fresh.set(s.id.client, []).get(s.id.client)!).push(s);
      this.freshItems.add(s);
    }
  }

  /**
   * The item holding `id`: this update's, else the document's, else one of the updates accepted
   * before it and not yet applied (a burst); undefined when none has it.
   */
  find(id: Y.ID): Y.Item | 'collected' | undefined {
    const own = search(this.fresh.get(id.client), id.clock);
    if (own) return own;
    const structs = this.doc.store.clients.get(id.client);
    const last = structs?.[structs.length - 1];
    if (last && id.clock < last.id.clock + last.length) {
      // In range, so found without the exception Yjs throws for a miss (costly in a burst).
      const s = structs![Y.findIndexSS(structs!, id.clock)];
      if (s instanceof Y.Item) return s;
      if (s instanceof Y.GC) return 'collected';
    }
    // Looked through lazily, newest first, and only as far as needed: a burst of keystrokes holds
    // thousands of updates, and each builds on the one before it.
    const seen = (this.loose ??= []);
    for (const items of seen) {
      const found = search(items.get(id.client), id.clock);
      if (found) return found;
    }
    this.rest ??= this.unapplied()[Symbol.iterator]();
    for (let next = this.rest.next(); !next.done; next = this.rest.next()) {
      const items = itemsOf(next.value);
      seen.push(items);
      const found = search(items.get(id.client), id.clock);
      if (found) return found;
    }
    return undefined;
  }

  /** The author a comment's map holds (integrated, or set in this update or an unapplied one). */
  authorOf(holder: Y.Item): unknown {
    const type = (holder.content as Y.ContentType).type as Y.Map<unknown>;
    if (type.doc) return type.get('author');
    for (const list of [...this.fresh.values(), ...(this.loose ?? []).flatMap((m) => [...m.values()])]) {
      for (const item of list) {
        if (item.parent instanceof Y.ID && Y.compareIDs(item.parent, holder.id) && this.keyOf(item) === 'author') return valueOf(item);
      }
    }
    return undefined;
  }

  isFresh(item: Y.Item): boolean {
    return this.freshItems.has(item);
  }

  /** The document's live items covering [clock, clock + len) of `client`. */
  itemsIn(client: number, clock: number, len: number): Y.Item[] {
    const out: Y.Item[] = [];
    const structs = this.doc.store.clients.get(client) ?? [];
    if (structs.length > 0 && clock < structs[structs.length - 1]!.id.clock + structs[structs.length - 1]!.length) {
      let i = Y.findIndexSS(structs, clock);
      for (; i < structs.length && structs[i]!.id.clock < clock + len; i++) {
        const s = structs[i]!;
        // A delete set repeats what is deleted already (a sync step 2 carries the sender's whole
        // delete set): only what this update newly deletes counts.
        if (s instanceof Y.Item && !s.deleted) out.push(s);
      }
    }
    return out; // the update's own items deleted in it were checked as inserted
  }

  /** The key under which `item` sits in a map (null in an array or text). */
  keyOf(item: Y.Item): string | null {
    if (item.parentSub !== null) return item.parentSub;
    // Integrated items know their key; a decoded one placed by its neighbours has theirs.
    if (item.parent !== null) return null;
    const left = item.origin ? this.find(item.origin) : undefined;
    if (left instanceof Y.Item) return this.keyOf(left);
    const right = item.rightOrigin ? this.find(item.rightOrigin) : undefined;
    return right instanceof Y.Item ? this.keyOf(right) : null;
  }

  /** Where `item` lands: the place of the type it is inserted into. */
  placeOf(item: Y.Item): Place {
    let place = this.memo.get(item) ?? settled.get(item);
    if (place) return place;
    place = this.computePlace(item);
    this.memo.set(item, place);
    if (place.at === 'body' || place.at === 'other' || place.at === 'gone') settled.set(item, place);
    return place;
  }

  private computePlace(item: Y.Item): Place {
    const parent = item.parent;
    if (parent instanceof Y.AbstractType) return this.placeOfType(parent);
    if (typeof parent === 'string') return parent === COMMENTS ? { at: 'root' } : parent === FRAGMENT ? { at: 'body' } : { at: 'other' };
    if (parent instanceof Y.ID) return this.placeIn(this.find(parent));
    // Placed by its neighbours: it lands where they are.
    const left = item.origin ? this.find(item.origin) : undefined;
    const neighbour = left ?? (item.rightOrigin ? this.find(item.rightOrigin) : undefined);
    if (neighbour === undefined) return { at: 'unknown' };
    return neighbour === 'collected' ? { at: 'gone' } : this.placeOf(neighbour);
  }

  private placeIn(holder: Y.Item | 'collected' | undefined): Place {
    if (holder === undefined) return { at: 'unknown' };
    return holder === 'collected' ? { at: 'gone' } : this.insidePlace(holder);
  }

  /** The place inside an integrated type. */
  private placeOfType(type: Y.AbstractType<unknown>): Place {
    const holder = type._item;
    if (holder) return this.insidePlace(holder);
    if (type === this.doc.share.get(COMMENTS)) return { at: 'root' };
    if (type === this.doc.share.get(FRAGMENT)) return { at: 'body' };
    return { at: 'other' };
  }

  /** The place inside the type that `holder` (an item of ContentType) holds. */
  private insidePlace(holder: Y.Item): Place {
    const outer = this.placeOf(holder);
    const key = this.keyOf(holder);
    const fresh = this.isFresh(holder);
    switch (outer.at) {
      case 'root':
        return key !== null ? { at: 'thread', thread: key, fresh } : { at: 'deep' };
      case 'thread':
        return key === 'comments' ? { at: 'list', thread: outer.thread, fresh: fresh || outer.fresh } : { at: 'deep' };
      case 'list':
        return { at: 'comment', thread: outer.thread, fresh: fresh || outer.fresh, item: holder };
      case 'body':
      case 'other':
      case 'gone':
      case 'unknown':
        return outer;
      default:
        return { at: 'deep' };
    }
  }
}

/**
 * An unapplied update's items by client, in clock order: decoded once per update however many
 * updates of a burst look into it (the pipeline keeps the same bytes until they are applied).
 */
const decoded = new WeakMap<Uint8Array, ReturnType<typeof Y.decodeUpdate> & { items: Map<number, Y.Item[]> }>();

export function decodedOf(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> & { items: Map<number, Y.Item[]> } {
  let d = decoded.get(update);
  if (!d) {
    const { structs, ds } = Y.decodeUpdate(update);
    const items = new Map<number, Y.Item[]>();
    for (const s of structs) if (s instanceof Y.Item) (items.get(s.id.client) ?? items.set(s.id.client, []).get(s.id.client)!).push(s);
    decoded.set(update, (d = { structs, ds, items }));
  }
  return d;
}

function itemsOf(update: Uint8Array): Map<number, Y.Item[]> {
  return decodedOf(update).items;
}

/**
 * Where text items land, once known, kept with the decoded item: in a burst each keystroke is
 * placed by the one before it (not yet applied), so the chase back stops at the previous one.
 * Only places that do not depend on the update being checked (nothing about comments).
 */
const settled = new WeakMap<Y.Item, Place>();

/** Binary search of a client's items (in clock order) for the one holding `clock`. */
function search(items: readonly Y.Item[] | undefined, clock: number): Y.Item | undefined {
  if (!items) return undefined;
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const item = items[mid]!;
    if (clock < item.id.clock) hi = mid - 1;
    else if (clock >= item.id.clock + item.length) lo = mid + 1;
    else return item;
  }
  return undefined;
}

/** A decoded update's delete set (Yjs does not export its type). */
export type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** The value a map entry's item holds (ContentAny: the JSON value; anything else: undefined). */
export function valueOf(item: Y.Item): unknown {
  return item.content instanceof Y.ContentAny ? item.content.getContent()[0] : undefined;
}
