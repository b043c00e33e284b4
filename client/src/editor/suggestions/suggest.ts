/**
 * Suggesting mode's one job: turn a person's local transaction into the same change proposed as
 * suggestions (DESIGN.md, "Contract — review: suggestions"), on the schema's marks
 * (schema/src/suggestions.ts). What was typed or pasted is inserted under an `insertion` mark;
 * what was deleted stays, under a `deletion` mark — unless it is the person's own pending
 * insertion, which is deleted for real; formatting (writers) gets a `modification` mark holding
 * the marks the text had before; blocks a writer adds get the block attribute `suggestion`.
 *
 * A commenter's changes are what the server's rule allows and nothing more: inline text in
 * existing paragraphs under their own marks. A new paragraph, formatting or a structural change is
 * dropped (the server would close the connection with 1008), and pasted paragraphs go in as one
 * line of text.
 *
 * Steps are replayed one by one onto a new transaction: each step's positions (in the document
 * the original transaction had reached) are taken back to the start and forward through what
 * was written instead, as prosemirror-suggest-changes does.
 */
import { Fragment, Slice, type Mark, type MarkType, type Node as PMNode, type Schema } from '@tiptap/pm/model';
import { TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state';
import { AddMarkStep, Mapping, RemoveMarkStep, ReplaceStep, type Step } from '@tiptap/pm/transform';
import { BLOCK_SUGGESTION, DELETION, INSERTION, MODIFICATION, SUGGESTIBLE_BLOCKS, writeBlockSuggestion, type SuggestionAttrs } from '@tandem/schema';
import { newId } from '../ids';
import { suggestBlockFormat } from './blockFormat';

/** Who suggests: the name shown, and the identity the server checks ("" without one). */
export interface Suggester {
  name: string;
  id: string;
  /** `comment` access: inline text only. */
  commentOnly: boolean;
}

interface Types {
  insertion: MarkType;
  deletion: MarkType;
  modification: MarkType;
  comment: MarkType | undefined;
}

function typesOf(schema: Schema): Types {
  const { insertion, deletion, modification, comment } = schema.marks;
  if (!insertion || !deletion || !modification) throw new Error('the schema has no suggestion marks');
  return { insertion, deletion, modification, comment };
}

const SUGGESTION_TYPES = new Set<string>([INSERTION, DELETION, MODIFICATION]);

function suggestionMark(marks: readonly Mark[]): Mark | undefined {
  return marks.find((m) => SUGGESTION_TYPES.has(m.type.name));
}

function isMine(mark: Mark | undefined, who: Suggester): boolean {
  if (!mark) return false;
  const { authorId, author } = mark.attrs as { authorId: string; author: string };
  return who.id !== '' ? authorId === who.id : authorId === '' && author === who.name;
}

/** Replays one transaction's steps as suggestions. */
class Suggestion {
  readonly out: Transaction;
  private readonly types: Types;
  /** One id for everything this transaction suggests, unless it continues an adjacent suggestion. */
  private readonly freshId = newId();
  private readonly createdAt = Date.now();
  /** Where the caret goes: the end of what was inserted, or the edge of what was deleted. */
  caret: number | null = null;

  constructor(
    private readonly state: EditorState,
    private readonly who: Suggester,
  ) {
    this.out = state.tr;
    this.types = typesOf(state.schema);
  }

  /** A new suggestion's attributes (this transaction's id). */
  fresh(): SuggestionAttrs {
    return { id: this.freshId, author: this.who.name, authorId: this.who.id, createdAt: this.createdAt };
  }

  /**
   * The attributes of my own suggestion of `type` touching `pos`, so that consecutive edits are
   * one suggestion: the very same attributes, or the marks (and Yjs' formatting runs) would split.
   */
  private adjacent(pos: number, type: MarkType): SuggestionAttrs | null {
    const $pos = this.out.doc.resolve(pos);
    for (const node of [$pos.nodeBefore, $pos.nodeAfter]) {
      const mark = node?.marks.find((m) => m.type === type);
      if (mark && isMine(mark, this.who)) return mark.attrs as SuggestionAttrs;
    }
    return null;
  }

  replace(from: number, to: number, slice: Slice, deletingBackward: boolean): void {
    let at = from;
    if (from < to) at = this.deleteRange(from, to, deletingBackward, slice.size > 0);
    if (slice.size > 0) this.insert(at, slice);
  }

  /** Marks [from, to) deleted (my own insertions go for real); returns where an insertion goes. */
  private deleteRange(from: number, to: number, backward: boolean, replacing: boolean): number {
    const { insertion, deletion, modification } = this.types;
    const doc = this.out.doc;
    const commenter = this.who.commentOnly;
    // A commenter's deletion never crosses a paragraph: the server keeps blocks as they are.
    if (commenter && !doc.resolve(from).sameParent(doc.resolve(to))) return from;
    const attrs = this.adjacent(backward ? to : from, deletion) ?? this.adjacent(backward ? from : to, deletion) ?? this.fresh();
    const realDeletes: Array<{ from: number; to: number }> = [];
    const marks: Array<{ from: number; to: number }> = [];
    const blocks: number[] = [];
    doc.nodesBetween(from, to, (node, pos) => {
      if (node.isInline) {
        const range = { from: Math.max(pos, from), to: Math.min(pos + node.nodeSize, to) };
        const mark = suggestionMark(node.marks);
        // Text nobody accepted yet goes for real: mine always; someone else's for a writer, as
        // Google Docs does (it leaves their suggestion), never for a commenter (the server
        // lets them delete only their own). Deleted text stays as it is.
        if (mark?.type === insertion) {
          if (isMine(mark, this.who) || !commenter) realDeletes.push(range);
        } else if (!mark || (mark.type === modification && !commenter)) marks.push(range);
        return false;
      }
      // A whole block inside the range (a writer's): proposed for deletion as a block.
      if (!commenter && pos >= from && pos + node.nodeSize <= to && SUGGESTIBLE_BLOCKS.includes(node.type.name)) {
        blocks.push(pos);
        return false;
      }
      return true;
    });
    for (const r of marks) this.out.addMark(r.from, r.to, deletion.create(attrs));
    for (const pos of blocks) this.setBlock(pos, 'delete', attrs);
    if (commenter) this.keepOnePerText(realDeletes);
    const first = this.out.steps.length;
    // From the end: earlier positions stay valid.
    for (const r of realDeletes.reverse()) this.out.delete(r.from, r.to);
    const map = this.out.mapping.slice(first);
    const start = map.map(from, -1);
    const end = map.map(to, 1);
    // Typing over a selection goes after the text it replaces; Backspace leaves the caret before
    // what it marked, Delete after it (so that the next key goes on).
    this.caret = replacing || !backward ? end : start;
    return end;
  }

  /**
   * y-tiptap writes a paragraph's new text as one string diff (the first difference from the
   * left): a commenter's deletion must be the very characters that diff removes, or the server
   * sees other people's text deleted. With one range per paragraph that is the range shifted
   * right past the equal characters after it (lib0's simpleDiff), taken only when those are
   * the commenter's own too; a second range in the same paragraph waits for another key.
   */
  private keepOnePerText(ranges: Array<{ from: number; to: number }>): void {
    const doc = this.out.doc;
    const seen = new Set<number>();
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i]!;
      const start = doc.resolve(r.from).start();
      const k = seen.has(start) ? -1 : diffShift(doc, r.from, r.to - r.from, '');
      seen.add(start);
      const shifted = { from: r.from + k, to: r.to + k };
      if (k >= 0 && this.allMine(shifted.from, shifted.to)) ranges[i] = shifted;
      else ranges.splice(i--, 1);
    }
  }

  private allMine(from: number, to: number): boolean {
    let all = true;
    this.out.doc.nodesBetween(from, to, (node) => {
      if (node.isInline && !(node.marks.some((m) => m.type === this.types.insertion && isMine(m, this.who)))) all = false;
      return all;
    });
    return all;
  }

  private setBlock(pos: number, kind: 'insert' | 'delete', attrs: SuggestionAttrs): void {
    const node = this.out.doc.nodeAt(pos);
    if (!node || !(BLOCK_SUGGESTION in node.attrs)) return;
    this.out.setNodeAttribute(pos, BLOCK_SUGGESTION, writeBlockSuggestion({ kind, ...attrs }));
  }

  private insert(at: number, slice: Slice): void {
    const { insertion } = this.types;
    const inline = slice.openStart === slice.openEnd && isInlineOnly(slice.content, slice.openStart);
    let content = slice;
    if (!inline) {
      if (this.who.commentOnly) {
        // Paragraphs become one line of text: a commenter never adds a block (and Enter, two
        // empty halves of a paragraph, adds nothing).
        const text = textblocksOf(slice.content).join(' ');
        if (text === '' || !this.out.doc.resolve(at).parent.inlineContent) return;
        content = new Slice(Fragment.from(this.state.schema.text(text)), 0, 0);
      }
    } else if (!this.out.doc.resolve(at).parent.inlineContent) return;
    let flat = inline || this.who.commentOnly ? flatten(content) : content;
    // A commenter's text takes the formatting around it (Ctrl+B before typing changes nothing):
    // formatting suggestions are for writers.
    if (this.who.commentOnly) flat = new Slice(withMarksOf(flat.content, this.out.doc.resolve(at).marks()), 0, 0);
    // Where y-tiptap's string diff will see the new characters (typing "l" before "lo" is, to
    // it, an "l" after the old one): they go there, so that the suggestion marks the characters
    // Yjs holds as new, and the caret goes where the person typed.
    const caret = at + flat.size;
    const only = flat.openStart === 0 && flat.content.childCount === 1 ? flat.content.firstChild! : null;
    if (only?.isText) {
      const k = diffShift(this.out.doc, at, 0, only.text!);
      if (k > 0) {
        const shifted = (only.text! + textRunAfter(this.out.doc, at)).slice(k, k + only.text!.length);
        flat = new Slice(Fragment.from(this.state.schema.text(shifted, only.marks)), 0, 0);
        at += k;
      }
    }
    const attrs = this.adjacent(at, insertion) ?? this.adjacent(caret - flat.size, insertion) ?? this.fresh();
    const before = this.out.doc.content.size;
    this.out.replace(at, at, flat);
    const end = at + (this.out.doc.content.size - before);
    const mark = insertion.create(attrs);
    // Past the end of a block marked new, its children are not marked again.
    let insideNew = -1;
    this.out.doc.nodesBetween(at, end, (node, pos) => {
      if (node.isInline) {
        // Everything inserted is new: a copied suggestion's marks give way to mine.
        const start = Math.max(pos, at);
        const stop = Math.min(pos + node.nodeSize, end);
        const old = suggestionMark(node.marks);
        if (old) this.out.removeMark(start, stop, old.type);
        this.out.addMark(start, stop, mark);
        return false;
      }
      // Blocks starting inside what was inserted (an image, a pasted paragraph, the second half
      // of a split) are new; the one it was inserted into starts before it.
      if (pos >= at && pos < end && pos >= insideNew && SUGGESTIBLE_BLOCKS.includes(node.type.name)) {
        this.setBlock(pos, 'insert', attrs);
        insideNew = pos + node.nodeSize;
      }
      return true;
    });
    this.caret = only?.isText ? caret : end;
  }

  /** A writer's formatting, as a modification holding the marks each piece of text had before. */
  format(step: AddMarkStep | RemoveMarkStep, from: number, to: number): void {
    const { modification } = this.types;
    const before = this.out.doc;
    const pieces: Array<{ from: number; to: number; previous: string | null }> = [];
    before.nodesBetween(from, to, (node, pos) => {
      if (!node.isInline) return true;
      const mark = suggestionMark(node.marks);
      // Deleted text stays as it is; inserted text takes the formatting directly (it is new anyway).
      if (mark?.type.name === DELETION) return false;
      const start = Math.max(pos, from);
      const end = Math.min(pos + node.nodeSize, to);
      const kept = mark?.type === modification ? (mark.attrs.previous as string) : null;
      pieces.push({ from: start, to: end, previous: mark?.type.name === INSERTION ? null : (kept ?? JSON.stringify(node.marks.filter(isFormatting).map((m) => m.toJSON()))) });
      return false;
    });
    for (const p of pieces) {
      if (step instanceof AddMarkStep) this.out.addMark(p.from, p.to, step.mark);
      else this.out.removeMark(p.from, p.to, step.mark);
      if (p.previous !== null) this.out.addMark(p.from, p.to, modification.create({ ...(this.adjacent(p.from, modification) ?? this.fresh()), previous: p.previous }));
    }
  }
}

/** Marks that are formatting (what `modification.previous` records), not review marks. */
function isFormatting(mark: Mark): boolean {
  return !SUGGESTION_TYPES.has(mark.type.name) && mark.type.name !== 'comment';
}

function textblocksOf(content: Fragment): string[] {
  const texts: string[] = [];
  content.descendants((node) => {
    if (!node.isTextblock) return true;
    if (node.textContent) texts.push(node.textContent);
    return false;
  });
  return texts;
}

function withMarksOf(content: Fragment, context: readonly Mark[]): Fragment {
  const nodes: PMNode[] = [];
  content.forEach((node) => nodes.push(node.mark(node.marks.filter((m) => m.isInSet(context)))));
  return Fragment.from(nodes);
}

/** The text from `pos` to the end of its run of text nodes (y-tiptap keeps such a run in one Y.XmlText). */
function textRunAfter(doc: PMNode, pos: number): string {
  const $pos = doc.resolve(pos);
  const parent = $pos.parent;
  let text = '';
  let index = $pos.index();
  if ($pos.textOffset > 0) {
    text = parent.child(index).text!.slice($pos.textOffset);
    index++;
  }
  for (; index < parent.childCount && parent.child(index).isText; index++) text += parent.child(index).text;
  return text;
}

/**
 * How far right of `pos` lib0's simpleDiff (what y-tiptap writes with) places a change that
 * removes `removed` characters at `pos` and inserts `inserted` there: past every character
 * equal to the one the change would have shifted in.
 */
function diffShift(doc: PMNode, pos: number, removed: number, inserted: string): number {
  const after = textRunAfter(doc, pos);
  const old = after;
  const next = inserted + after.slice(removed);
  let k = 0;
  while (k < old.length && k < next.length && old[k] === next[k]) k++;
  // Only the part of the common prefix past the change moves it.
  return Math.max(0, Math.min(k, after.length - removed));
}

function isInlineOnly(content: Fragment, depth: number): boolean {
  let inline = true;
  let node: Fragment = content;
  for (let d = 0; d < depth; d++) {
    if (node.childCount !== 1) return false;
    node = node.firstChild!.content;
  }
  node.forEach((child) => {
    if (!child.isInline) inline = false;
  });
  return inline;
}

/** The inline content of a slice open to the same depth on both sides, as a flat slice. */
function flatten(slice: Slice): Slice {
  let content = slice.content;
  for (let d = 0; d < slice.openStart; d++) content = content.firstChild!.content;
  return new Slice(content, 0, 0);
}

/** The mapping from the document before step `index` of `tr` onto what was written instead. */
function stepMapping(index: number, original: Transaction, written: Transaction): Mapping {
  const mapping = new Mapping();
  mapping.appendMappingInverted(new Mapping(original.steps.slice(0, index).map((step) => step.getMap())));
  mapping.appendMapping(written.mapping);
  return mapping;
}

/** Maps a position of the document before step `index` of `tr` onto what was written instead. */
function rebase(pos: number, index: number, original: Transaction, written: Transaction, assoc: number): number {
  // Built from the step maps: Mapping.slice(0, 0) keeps every map in some prosemirror-transform versions.
  const back = new Mapping(original.steps.slice(0, index).map((step) => step.getMap())).invert().map(pos, assoc);
  return written.mapping.map(back, assoc);
}

/**
 * The transaction that suggests what `tr` does; null when nothing of it can be suggested (a
 * commenter's Enter). Steps that only move comment or suggestion marks go through unchanged.
 */
export function suggestTransaction(state: EditorState, tr: Transaction, who: Suggester): Transaction | null {
  const s = new Suggestion(state, who);
  const headBefore = state.selection.head;
  tr.steps.forEach((step: Step, index) => {
    // A join (Backspace at a paragraph's start) deletes only the boundary: nothing to mark, the
    // caret moves on. A split (Enter) inserts one.
    if (step instanceof ReplaceStep) {
      const from = rebase(step.from, index, tr, s.out, 1);
      const to = Math.max(from, rebase(step.to, index, tr, s.out, -1));
      s.replace(from, to, step.slice, index === 0 ? headBefore >= step.to && step.from < step.to : true);
    } else if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
      const from = rebase(step.from, index, tr, s.out, 1);
      const to = rebase(step.to, index, tr, s.out, -1);
      if (step.mark.type.name === 'comment' || SUGGESTION_TYPES.has(step.mark.type.name)) s.out.step(step instanceof AddMarkStep ? new AddMarkStep(from, to, step.mark) : new RemoveMarkStep(from, to, step.mark));
      else if (!who.commentOnly && from < to) s.format(step, from, to);
    } else if (!who.commentOnly) {
      // A block made a heading, aligned or indented (a writer's): made, with what it was kept
      // for a reject. Anything else (wrapped in a list, lifted) is a change of structure that a
      // suggestion cannot hold yet: left out rather than made untracked.
      suggestBlockFormat(s.out, step, stepMapping(index, tr, s.out), s.fresh());
    }
  });
  // Nothing to suggest (a commenter's Enter), or only a caret to move past deleted text.
  if (!s.out.docChanged && s.caret === null) return null;
  // The caret follows an edit made where it is (typing: insertText maps the selection rather
  // than setting it), not one made elsewhere (an upload finishing).
  const first = tr.steps[0];
  const atCaret = first instanceof ReplaceStep && state.selection.from <= first.to && state.selection.to >= first.from;
  if (s.caret !== null && (tr.selectionSet || atCaret)) s.out.setSelection(TextSelection.near(s.out.doc.resolve(Math.min(s.caret, s.out.doc.content.size))));
  else if (tr.selectionSet) s.out.setSelection(state.selection.map(s.out.doc, s.out.mapping));
  if (tr.storedMarks) s.out.setStoredMarks(tr.storedMarks);
  if (tr.scrolledIntoView) s.out.scrollIntoView();
  return s.out;
}
