/**
 * The rules of comments (DESIGN.md, "Contract — review: comments"), checked on every document
 * update a connection sends (writers included) and on every Yjs import, before anything of it is
 * stored or applied: read straight off the update's structs against the current document, so
 * that a writer's text edit costs one decode and a parent lookup per struct, and no copy of the
 * document is ever made.
 *
 * What each change is follows from where its struct lands: the root map `comments` (a thread
 * set or deleted), a thread's map (its fields), a thread's `comments` array (a comment added or
 * deleted), a comment's map (its fields), the body (text, or a comment mark on it), anything else.
 */
import * as Y from 'yjs';
import { COMMENT_ID, COMMENTS, FRAGMENT, MAX_COMMENT_BODY, isCommentAttribute } from '@tandem/schema';
import type { Mode } from '../auth/access.js';
import { isOwnAuthor, mayChangeComment, readAuthor, type Identity } from './author.js';

/** Where a struct lands. `fresh`: the map or array it lands in is created by this same update. */
type Place =
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

const THREAD_FIELDS = new Set(['quote', 'resolved', 'resolvedBy', 'createdAt', 'comments']);
const COMMENT_FIELDS = new Set(['id', 'author', 'body', 'createdAt', 'editedAt']);

/** Why the update is refused; never thrown past `checkCommentRules`. */
class Refusal extends Error {}

function refuse(why: string): never {
  throw new Refusal(why);
}

export interface Sender {
  mode: Mode;
  identity: Identity | null;
}

/**
 * undefined when `update` keeps the rules for `sender` against `doc` as it stands; else why not
 * (the connection is closed with 1008 and nothing of the update is applied).
 */
export function checkCommentRules(doc: Y.Doc, update: Uint8Array, sender: Sender, unapplied: () => Iterable<Uint8Array> = () => []): string | undefined {
  try {
    new Check(doc, sender, unapplied).run(update);
    return undefined;
  } catch (err) {
    if (err instanceof Refusal) return err.message;
    return `the update cannot be checked: ${(err as Error).message}`;
  }
}

class Check {
  /** Items of the update, by client, in clock order. */
  private readonly fresh = new Map<number, Y.Item[]>();
  private readonly freshItems = new Set<Y.Item>();
  private readonly places = new Map<Y.Item, Place>();
  /** Threads this update deletes (write access), and comments it deletes (their owners). */
  private readonly goneThreads = new Set<string>();
  private readonly goneComments = new Set<Y.Item>();
  /** Keys of existing maps this update sets anew (their previous values are deleted with it). */
  private readonly setKeys = new Set<string>();

  private comments!: Y.Map<unknown>;
  /** Items of the updates accepted before this one and not yet applied, on the first miss. */
  private loose: Array<Map<number, Y.Item[]>> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly sender: Sender,
    private readonly unapplied: () => Iterable<Uint8Array>,
  ) {}

  run(update: Uint8Array): void {
    // Typed roots: a root only ever seen in updates is a bare AbstractType until someone asks.
    this.comments = this.doc.getMap<unknown>(COMMENTS);
    try {
      this.doc.getXmlFragment(FRAGMENT);
    } catch {
      // a body of another type (not the editor's): it counts as 'other'
    }
    const { structs, ds } = decodedOf(update);
    for (const s of structs) {
      if (!(s instanceof Y.Item)) continue;
      (this.fresh.get(s.id.client) ?? this.fresh.set(s.id.client, []).get(s.id.client)!).push(s);
      this.freshItems.add(s);
    }
    for (const s of structs) if (s instanceof Y.Item) this.inserted(s);
    const deleted: Y.Item[] = [];
    for (const [client, ranges] of ds.clients) {
      for (const { clock, len } of ranges) deleted.push(...this.itemsIn(client, clock, len));
    }
    // Whole threads, then whole comments, first: what is inside them goes with them.
    for (const item of deleted) this.deletedThread(item);
    for (const item of deleted) this.deletedComment(item);
    for (const item of deleted) this.deletedValue(item);
  }

  private get isWriter(): boolean {
    return this.sender.mode === 'write';
  }

  /**
   * The item holding `id`: this update's, else the document's, else one of the updates accepted
   * before it and not yet applied (a burst); undefined when none has it.
   */
  private find(id: Y.ID): Y.Item | 'collected' | undefined {
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
    this.loose ??= [...this.unapplied()].map(itemsOf);
    for (const items of this.loose) {
      const found = search(items.get(id.client), id.clock);
      if (found) return found;
    }
    return undefined;
  }

  /** The author a comment's map holds (integrated, or set in this update or an unapplied one). */
  private authorOf(holder: Y.Item): unknown {
    const type = (holder.content as Y.ContentType).type as Y.Map<unknown>;
    if (type.doc) return type.get('author');
    for (const list of [...this.fresh.values(), ...(this.loose ?? []).flatMap((m) => [...m.values()])]) {
      for (const item of list) {
        if (item.parent instanceof Y.ID && Y.compareIDs(item.parent, holder.id) && this.keyOf(item) === 'author') return valueOf(item);
      }
    }
    return undefined;
  }

  private isFresh(item: Y.Item): boolean {
    return this.freshItems.has(item);
  }

  /** The document's live items covering [clock, clock + len) of `client`. */
  private itemsIn(client: number, clock: number, len: number): Y.Item[] {
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
  private keyOf(item: Y.Item): string | null {
    if (item.parentSub !== null) return item.parentSub;
    // Integrated items know their key; a decoded one placed by its neighbours has theirs.
    if (item.parent !== null) return null;
    const left = item.origin ? this.find(item.origin) : undefined;
    if (left instanceof Y.Item) return this.keyOf(left);
    const right = item.rightOrigin ? this.find(item.rightOrigin) : undefined;
    return right instanceof Y.Item ? this.keyOf(right) : null;
  }

  /** Where `item` lands: the place of the type it is inserted into. */
  private placeOf(item: Y.Item): Place {
    let place = this.places.get(item) ?? settled.get(item);
    if (place) return place;
    place = this.computePlace(item);
    this.places.set(item, place);
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

  private inserted(item: Y.Item): void {
    const place = this.placeOf(item);
    if (place.at === 'body' || place.at === 'other' || place.at === 'gone' || place.at === 'unknown') return this.insertedOutside(item, place.at);
    // Inside the comments: keys and values matter (text items skip this: their keys chase back).
    const key = this.keyOf(item);
    const value = valueOf(item);
    switch (place.at) {
      case 'deep':
        return refuse('a comment holds no nested types');
      case 'root': {
        if (key === null || !COMMENT_ID.test(key)) refuse('a thread id must be 8–64 letters, digits, - or _');
        if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) refuse('a thread is a map');
        const existing = this.comments.has(key);
        if (existing && !this.isWriter) refuse('only write access may replace a thread');
        this.setKeys.add(`thread\u0000${key}`);
        return;
      }
      case 'thread':
        if (key === null || !THREAD_FIELDS.has(key)) refuse(`a thread has no field ${JSON.stringify(key)}`);
        if (!place.fresh && key !== 'resolved' && key !== 'resolvedBy') refuse(`a thread's ${key} cannot be changed`);
        this.threadField(key, item, value, place.fresh);
        this.setKeys.add(`${place.thread}\u0000${key}`);
        return;
      case 'list':
        if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) refuse('a comment is a map');
        return;
      case 'comment': {
        if (key === null || !COMMENT_FIELDS.has(key)) refuse(`a comment has no field ${JSON.stringify(key)}`);
        if (!place.fresh) {
          if (key !== 'body' && key !== 'editedAt') refuse(`a comment's ${key} cannot be changed`);
          this.ownComment(place.item);
        }
        this.commentField(key, value);
        this.setKeys.add(`${place.item.id.client}:${place.item.id.clock}\u0000${key}`);
        return;
      }
    }
  }

  /** An item outside the comments: a writer's; for a commenter, only a comment mark on the text. */
  private insertedOutside(item: Y.Item, at: 'body' | 'other' | 'gone' | 'unknown'): void {
    if (this.isWriter || at === 'gone') return;
    if (at === 'body' && item.content instanceof Y.ContentFormat && isCommentAttribute(item.content.key)) return;
    if (at === 'unknown') refuse('the update builds on changes this document does not have');
    refuse(at === 'body' ? 'comment access may not change the text' : 'comment access may change only comments');
  }

  private threadField(key: string, item: Y.Item, value: unknown, fresh: boolean): void {
    if (key === 'comments') {
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Array)) refuse("a thread's comments are an array");
      return;
    }
    if (key === 'resolved' && typeof value !== 'boolean') refuse('resolved is true or false');
    if (key === 'resolvedBy' && value !== null && !isOwnAuthor(value, this.sender.identity)) refuse('a thread is resolved by its sender, as the server knows them');
    if ((key === 'quote' || key === 'createdAt') && (typeof value !== 'string' || value.length > MAX_COMMENT_BODY)) refuse(`${key} is a string`);
    if (!fresh && key === 'resolvedBy' && value === undefined) refuse('resolvedBy is an author or null');
  }

  private commentField(key: string, value: unknown): void {
    if (key === 'author') {
      if (!isOwnAuthor(value, this.sender.identity)) refuse('a comment is written by its sender, as the server knows them');
    } else if (key === 'body') {
      if (typeof value !== 'string' || value.length === 0 || value.length > MAX_COMMENT_BODY) refuse(`a comment body is 1–${MAX_COMMENT_BODY} characters`);
    } else if (key === 'id') {
      if (typeof value !== 'string' || !COMMENT_ID.test(value)) refuse('a comment id must be 8–64 letters, digits, - or _');
    } else if (typeof value !== 'string' || value.length > 64) refuse(`${key} is a time`);
  }

  /** Refuses unless the sender may change the (existing) comment held by `holder`. */
  private ownComment(holder: Y.Item): void {
    if (!mayChangeComment(readAuthor(this.authorOf(holder)), this.sender.identity, this.sender.mode)) refuse("nobody may change another person's comment");
  }

  /** A thread deleted whole (write access; everything in it goes with it). */
  private deletedThread(item: Y.Item): void {
    if (this.isFresh(item) || !(item.content instanceof Y.ContentType) || this.placeOf(item).at !== 'root') return;
    if (!this.isWriter) refuse('only write access may delete a thread');
    this.goneThreads.add(this.keyOf(item)!);
  }

  /** A comment deleted whole (its author, or a writer for an anonymous one), unless its thread goes. */
  private deletedComment(item: Y.Item): void {
    if (this.isFresh(item) || !(item.content instanceof Y.ContentType)) return;
    const place = this.placeOf(item);
    if (place.at !== 'list' || this.goneThreads.has(place.thread)) return;
    this.ownComment(item);
    this.goneComments.add(item);
  }

  /** Anything else deleted: an overwritten value, text, a mark. */
  private deletedValue(item: Y.Item): void {
    if (this.isFresh(item)) return;
    const place = this.placeOf(item);
    const key = place.at === 'thread' || place.at === 'comment' ? this.keyOf(item) : null;
    switch (place.at) {
      case 'body':
        if (!this.isWriter && !(item.content instanceof Y.ContentFormat && isCommentAttribute(item.content.key))) refuse('comment access may not change the text');
        return;
      case 'other':
        if (!this.isWriter) refuse('comment access may change only comments');
        return;
      case 'root':
        return; // checked as a container (or a value a thread never holds)
      case 'thread':
        if (this.goneThreads.has(place.thread)) return;
        if (!this.setKeys.has(`${place.thread}\u0000${key}`)) refuse(`a thread's ${key} cannot be removed`);
        return;
      case 'list':
        if (this.goneThreads.has(place.thread) || this.goneComments.has(item)) return;
        return refuse('a comments list holds only comments');
      case 'comment':
        if (this.goneThreads.has(place.thread) || this.goneComments.has(place.item)) return;
        if (!this.setKeys.has(`${place.item.id.client}:${place.item.id.clock}\u0000${key}`)) refuse(`a comment's ${key} cannot be removed`);
        return;
      case 'deep':
        return refuse('a comment holds no nested types');
      case 'gone':
      case 'unknown':
        return;
    }
  }
}

/**
 * An unapplied update's items by client, in clock order: decoded once per update however many
 * updates of a burst look into it (the pipeline keeps the same bytes until they are applied).
 */
const decoded = new WeakMap<Uint8Array, ReturnType<typeof Y.decodeUpdate> & { items: Map<number, Y.Item[]> }>();

function decodedOf(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> & { items: Map<number, Y.Item[]> } {
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

/** The value a map entry's item holds (ContentAny: the JSON value; anything else: undefined). */
function valueOf(item: Y.Item): unknown {
  return item.content instanceof Y.ContentAny ? item.content.getContent()[0] : undefined;
}
