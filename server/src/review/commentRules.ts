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
 * What a `comment` connection does to the body is judged by the suggestion rules
 * (review/suggestionRules.ts); an update of one that builds on changes the document does not hold
 * yet is `missing` (its connection waits for them: rooms/CommentReviews.ts).
 */
import * as Y from 'yjs';
import { COMMENT_ID, COMMENTS, MAX_COMMENT_BODY } from '@tandem/schema';
import { decodedOf, Places, valueOf, type DeleteSet } from './places.js';
import type { Mode } from '../auth/access.js';
import { isOwnAuthor, mayChangeComment, readAuthor, type Identity } from './author.js';
import { SuggestionCheck } from './suggestionRules.js';
import { Missing, Refusal, refuse, type Verdict } from './verdicts.js';

const COMMENTS_NAME = Buffer.from(COMMENTS, 'utf8');
/** Documents that have (or may soon have, from an update not yet applied) a comments root. */
const mayHoldComments = new WeakSet<Y.Doc>();

/** `suggestion`: the thread is the reply thread of the suggestion whose id is the thread's. */
const THREAD_FIELDS = new Set(['quote', 'resolved', 'resolvedBy', 'createdAt', 'comments', 'suggestion']);
const COMMENT_FIELDS = new Set(['id', 'author', 'body', 'createdAt', 'editedAt']);

export interface Sender {
  mode: Mode;
  identity: Identity | null;
}

/**
 * undefined when `update` keeps the rules for `sender` against `doc` as it stands; else why not
 * (the connection is closed with 1008 and nothing of the update is applied). An update that
 * builds on changes the document lacks is refused too: for the API and imports, which cannot wait.
 */
export function checkCommentRules(doc: Y.Doc, update: Uint8Array, sender: Sender, unapplied: () => Iterable<Uint8Array> = () => []): string | undefined {
  const verdict = reviewUpdate(doc, update, sender, unapplied);
  return verdict === undefined ? undefined : 'refuse' in verdict ? verdict.refuse : verdict.missing;
}

/**
 * The review rules (comments, and for `comment` access the suggestion rules) for one update,
 * against `doc` and the updates accepted before it and not yet applied (`unapplied`).
 */
export function reviewUpdate(doc: Y.Doc, update: Uint8Array, sender: Sender, unapplied: () => Iterable<Uint8Array> = () => []): Verdict {
  // A writer may do anything outside the comments: in a document that has none, an update that
  // does not name the root `comments` (its bytes would hold the name) cannot touch them. Once an
  // update from anyone does, every update of that document is read whole.
  if (Buffer.from(update.buffer, update.byteOffset, update.byteLength).indexOf(COMMENTS_NAME) >= 0) mayHoldComments.add(doc);
  else if (sender.mode === 'write' && !mayHoldComments.has(doc) && !doc.share.has(COMMENTS)) return undefined;
  try {
    new Check(doc, sender, unapplied).run(update);
    return undefined;
  } catch (err) {
    if (err instanceof Refusal) return { refuse: err.message };
    if (err instanceof Missing) return { missing: err.message };
    return { refuse: `the update cannot be checked: ${(err as Error).message}` };
  }
}

class Check {
  private places!: Places;
  /** Threads this update deletes (write access), and comments it deletes (their owners). */
  private readonly goneThreads = new Set<string>();
  private readonly goneComments = new Set<Y.Item>();
  /** Keys of existing maps this update sets anew (their previous values are deleted with it). */
  private readonly setKeys = new Set<string>();
  /** What a commenter's update does to the body: judged by the suggestion rules. */
  private readonly bodyInserted: Y.Item[] = [];
  private readonly bodyDeleted: Y.Item[] = [];

  constructor(
    private readonly doc: Y.Doc,
    private readonly sender: Sender,
    private readonly unapplied: () => Iterable<Uint8Array>,
  ) {}

  run(update: Uint8Array): void {
    const { structs, ds } = decodedOf(update);
    if (!this.isWriter) missingBase(this.doc, structs, ds);
    this.places = new Places(this.doc, structs, this.unapplied);
    for (const s of structs) if (s instanceof Y.Item) this.inserted(s);
    const deleted: Y.Item[] = [];
    for (const [client, ranges] of ds.clients) {
      // (one by one: a deleted range can hold more items than a call takes arguments)
      for (const { clock, len } of ranges) for (const item of this.places.itemsIn(client, clock, len)) deleted.push(item);
    }
    // Whole threads, then whole comments, first: what is inside them goes with them.
    for (const item of deleted) this.deletedThread(item);
    for (const item of deleted) this.deletedComment(item);
    for (const item of deleted) this.deletedValue(item);
    if (this.bodyInserted.length > 0 || this.bodyDeleted.length > 0) {
      new SuggestionCheck(this.doc, this.places, this.sender.identity?.id ?? '').run(this.bodyInserted, this.bodyDeleted, ds);
    }
  }

  private get isWriter(): boolean {
    return this.sender.mode === 'write';
  }

  private inserted(item: Y.Item): void {
    const place = this.places.placeOf(item);
    if (place.at === 'body' || place.at === 'other' || place.at === 'gone' || place.at === 'unknown') return this.insertedOutside(item, place.at);
    // Inside the comments: keys and values matter (text items skip this: their keys chase back).
    const key = this.places.keyOf(item);
    const value = valueOf(item);
    switch (place.at) {
      case 'deep':
        return refuse('a comment holds no nested types');
      case 'root': {
        if (key === null || !COMMENT_ID.test(key)) refuse('a thread id must be 8–64 letters, digits, - or _');
        if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) refuse('a thread is a map');
        // Read off the root as it is: asking for it by type would define it in the document.
        const existing = this.doc.share.get(COMMENTS)?._map.get(key)?.deleted === false;
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

  /** An item outside the comments: a writer's; a commenter's in the body goes to the suggestion rules. */
  private insertedOutside(item: Y.Item, at: 'body' | 'other' | 'gone' | 'unknown'): void {
    if (this.isWriter || at === 'gone') return;
    if (at === 'body') {
      this.bodyInserted.push(item);
      return;
    }
    if (at === 'unknown') throw new Missing('the update builds on changes this document does not have');
    refuse('comment access may change only comments and suggest text');
  }

  private threadField(key: string, item: Y.Item, value: unknown, fresh: boolean): void {
    if (key === 'comments') {
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Array)) refuse("a thread's comments are an array");
      return;
    }
    if (key === 'resolved' && typeof value !== 'boolean') refuse('resolved is true or false');
    if (key === 'resolvedBy' && value !== null && !isOwnAuthor(value, this.sender.identity)) refuse('a thread is resolved by its sender, as the server knows them');
    if ((key === 'quote' || key === 'createdAt') && (typeof value !== 'string' || value.length > MAX_COMMENT_BODY)) refuse(`${key} is a string`);
    if (key === 'suggestion' && value !== true) refuse('suggestion is true');
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
    if (!mayChangeComment(readAuthor(this.places.authorOf(holder)), this.sender.identity, this.sender.mode)) refuse("nobody may change another person's comment");
  }

  /** A thread deleted whole (write access; everything in it goes with it). */
  private deletedThread(item: Y.Item): void {
    if (this.places.isFresh(item) || !(item.content instanceof Y.ContentType) || this.places.placeOf(item).at !== 'root') return;
    if (!this.isWriter) refuse('only write access may delete a thread');
    this.goneThreads.add(this.places.keyOf(item)!);
  }

  /** A comment deleted whole (its author, or a writer for an anonymous one), unless its thread goes. */
  private deletedComment(item: Y.Item): void {
    if (this.places.isFresh(item) || !(item.content instanceof Y.ContentType)) return;
    const place = this.places.placeOf(item);
    if (place.at !== 'list' || this.goneThreads.has(place.thread)) return;
    this.ownComment(item);
    this.goneComments.add(item);
  }

  /** Anything else deleted: an overwritten value, text, a mark. */
  private deletedValue(item: Y.Item): void {
    if (this.places.isFresh(item)) return;
    const place = this.places.placeOf(item);
    const key = place.at === 'thread' || place.at === 'comment' ? this.places.keyOf(item) : null;
    switch (place.at) {
      case 'body':
        if (!this.isWriter) this.bodyDeleted.push(item);
        return;
      case 'other':
        if (!this.isWriter) refuse('comment access may change only comments and suggest text');
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
 * Throws Missing when the update builds on structs this document does not hold: a client's
 * structs that start past what the document has of it (Yjs would keep them pending), or
 * deletions of what it does not have yet (Yjs would apply them later, unchecked).
 */
function missingBase(doc: Y.Doc, structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>, ds: DeleteSet): void {
  const reach = new Map<number, number>();
  for (const s of structs) {
    if (s instanceof Y.Skip) throw new Missing('the update skips changes this document does not have');
    const { client, clock } = s.id;
    const held = reach.get(client) ?? Y.getState(doc.store, client);
    if (clock > held) throw new Missing('the update builds on changes this document does not have');
    reach.set(client, Math.max(held, clock + s.length));
  }
  for (const [client, ranges] of ds.clients) {
    const held = reach.get(client) ?? Y.getState(doc.store, client);
    for (const { clock, len } of ranges) if (clock + len > held) throw new Missing('the update deletes changes this document does not have');
  }
}
