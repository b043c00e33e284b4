/**
 * What a `comment` connection may do to the body (DESIGN.md, "Contract — review: suggestions"):
 * suggest inline text. Its update may insert text into existing paragraphs only under its own
 * `insertion` mark, add or remove only its own `insertion`/`deletion` marks and comment marks,
 * delete only text of its own pending insertion, and never create or delete a block element or
 * change a block's attributes.
 *
 * The rules are judged by their effect, not by the shape of the items: y-tiptap rewrites format
 * items freely (`applyDelta` deletes and re-creates them around every run it retains, Yjs's
 * `cleanupYTextFormatting` deletes redundant ones, also ones other people wrote), so each text
 * the update touches is merged on light copies of its items (review/textMerge.ts), and the
 * formatting of every piece of its content before and after is compared. Format items that
 * change nothing are free to come and go.
 *
 * Cost: per text the update touches, one walk of that text's items; nothing else is read.
 */
import * as Y from 'yjs';
import { DELETION, FRAGMENT, INSERTION, MODIFICATION, SUGGESTION_ID, isCommentAttribute } from '@tandem/schema';
import { MissingNeighbour, TextMerge, type TextNode } from './textMerge.js';
import type { DeleteSet, Places } from './places.js';
import { Missing, refuse } from './verdicts.js';

/** The type an item sits in: held by an item (a nested type), the body's root, or gone. */
type Holder = Y.Item | 'fragment' | 'gone';

interface Changes {
  fresh: Array<{ item: Y.Item; known: number }>;
  /** The text itself is deleted by the update. */
  textDeleted: boolean;
}

export class SuggestionCheck {
  private readonly holders = new Map<Y.Item, Holder>();
  private readonly texts = new Map<Y.Item, Changes>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly places: Places,
    /** The sender's identity id ("" without one): what its suggestions carry as `authorId`. */
    private readonly authorId: string,
  ) {}

  /**
   * Throws a Refusal unless `inserted` (the update's items in the body) and `deleted` (the
   * document's live body items it deletes) keep the rules; `ds` is the update's delete set.
   */
  run(inserted: readonly Y.Item[], deleted: readonly Y.Item[], ds: DeleteSet): void {
    for (const item of inserted) {
      const known = Math.max(0, Y.getState(this.doc.store, item.id.client) - item.id.clock);
      if (known < item.length) this.insertedItem(item, known);
    }
    for (const item of deleted) this.deletedItem(item);
    for (const [holder, changes] of this.texts) this.judgeText(holder, changes, ds);
  }

  private insertedItem(item: Y.Item, known: number): void {
    const holder = this.holderOf(item);
    if (holder === 'gone') return;
    if (holder === 'fragment') refuse('comment access may not add blocks');
    const type = typeOf(holder);
    if (this.subOf(item) !== null) refuse("comment access may not change a block's attributes");
    if (type instanceof Y.XmlText) {
      this.changesOf(holder).fresh.push({ item, known });
    } else if (type instanceof Y.XmlElement) {
      if (item.content instanceof Y.ContentDeleted) return;
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlText)) refuse('comment access may not add blocks');
      // A text in an existing block (typing into an empty paragraph): judged as a text.
      if (this.places.isFresh(holder)) refuse('comment access may not add blocks');
      this.changesOf(item);
    } else refuse('comment access may change only the text');
  }

  private deletedItem(item: Y.Item): void {
    const holder = this.holderOf(item);
    if (holder === 'gone') return;
    if (holder === 'fragment') refuse('comment access may not delete blocks');
    const type = typeOf(holder);
    if (item.parentSub !== null) refuse("comment access may not change a block's attributes");
    if (type instanceof Y.XmlText) this.changesOf(holder);
    else if (type instanceof Y.XmlElement && item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlText) {
      // y-tiptap drops a text that its own suggestions emptied: judged as deleting all of it.
      this.changesOf(item).textDeleted = true;
    } else refuse('comment access may not delete blocks');
  }

  private changesOf(holder: Y.Item): Changes {
    let changes = this.texts.get(holder);
    if (!changes) this.texts.set(holder, (changes = { fresh: [], textDeleted: false }));
    return changes;
  }

  private judgeText(holder: Y.Item, changes: Changes, ds: DeleteSet): void {
    const type = typeOf(holder) as Y.XmlText;
    let merge: TextMerge;
    try {
      // A text of this update holds nothing yet; an integrated one its item list.
      merge = new TextMerge(this.places.isFresh(holder) ? null : type._start, changes.fresh);
    } catch (err) {
      if (err instanceof MissingNeighbour) throw new Missing(err.message);
      throw err;
    }
    for (const [client, ranges] of ds.clients) merge.deleteRanges(client, ranges);
    if (changes.textDeleted) merge.deleteAll();
    for (const node of merge.content()) this.judgeContent(node);
  }

  private judgeContent(node: TextNode): void {
    const { before, after } = node;
    if (before && !after) {
      if (!this.isOwn(before.get(INSERTION))) refuse('comment access may delete only text it suggested');
    } else if (!before && after) {
      if (!(node.content instanceof Y.ContentString)) refuse('comment access may insert only text');
      if (!this.isOwn(after.get(INSERTION))) refuse('comment access may insert text only as its own suggestion');
      if (after.has(MODIFICATION)) refuse('formatting suggestions need write access');
    } else if (before && after) {
      for (const key of new Set([...before.keys(), ...after.keys()])) {
        const was = before.get(key) ?? null;
        const is = after.get(key) ?? null;
        if (equalAttrs(was, is) || isCommentAttribute(key)) continue;
        if (key === DELETION && (was === null || this.isOwn(was)) && (is === null || this.isOwn(is))) continue;
        if (key === INSERTION && this.isOwn(was) && this.isOwn(is)) continue;
        refuse(key === INSERTION || key === DELETION ? "only write access may accept or reject a suggestion, or change another person's" : 'comment access may not change the formatting');
      }
    }
  }

  /** A suggestion mark's value written by this sender. */
  private isOwn(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const { id, authorId } = value as Record<string, unknown>;
    return typeof id === 'string' && SUGGESTION_ID.test(id) && authorId === this.authorId;
  }

  /** The key an item sits under in its type (null in a list or text). */
  private subOf(item: Y.Item): string | null {
    return item.parentSub ?? (item.parent === null ? this.places.keyOf(item) : null);
  }

  /** Which type the item sits in, chasing the update's items back to one whose parent is known. */
  private holderOf(item: Y.Item): Holder {
    const chain: Y.Item[] = [];
    let holder: Holder | undefined;
    for (let at: Y.Item = item; holder === undefined; ) {
      const memo = this.holders.get(at);
      if (memo !== undefined) {
        holder = memo;
        break;
      }
      chain.push(at);
      const parent = at.parent;
      if (parent instanceof Y.AbstractType) holder = parent._item ?? (parent === this.doc.share.get(FRAGMENT) ? 'fragment' : refuse('comment access may change only the text'));
      else if (typeof parent === 'string') holder = parent === FRAGMENT ? 'fragment' : refuse('comment access may change only the text');
      else {
        const found = parent instanceof Y.ID ? this.places.find(parent) : ((at.origin && this.places.find(at.origin)) ?? (at.rightOrigin ? this.places.find(at.rightOrigin) : undefined));
        if (found === undefined) throw new Missing('the update builds on changes this document does not have');
        if (found === 'collected') holder = 'gone';
        else if (parent instanceof Y.ID) holder = found;
        else at = found;
      }
    }
    for (const at of chain) this.holders.set(at, holder);
    return holder;
  }
}

function typeOf(holder: Y.Item): Y.AbstractType<unknown> | undefined {
  return holder.content instanceof Y.ContentType ? holder.content.type : undefined;
}

/** Yjs's equality of attribute values (flat objects compare by their fields). */
function equalAttrs(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && x[k] === y[k]);
}
