/**
 * The suggestions of a document as the side panel shows them (grouped by id, in the order of
 * their text), and their review: accepting or rejecting one, or all, is one transaction, so one
 * step for Ctrl+Z. What each does is the schema's (schema/src/suggestions.ts): accepting an
 * insertion or rejecting a deletion removes the mark; the other two delete the text; rejecting a
 * modification puts back the marks it records.
 */
import type { Editor } from '@tiptap/core';
import { Mark, type Node as PMNode, type Schema } from '@tiptap/pm/model';
import { canJoin } from '@tiptap/pm/transform';
import type { Transaction } from '@tiptap/pm/state';
import { BLOCK_SUGGESTION, DELETION, INSERTION, MODIFICATION, readBlockSuggestion, type BlockSuggestion } from '@tandem/schema';
import { newUndoStep, SUGGESTED_META } from './SuggestChanges';

export interface SuggestionSummary {
  id: string;
  author: string;
  authorId: string;
  createdAt: number;
  inserted: string;
  deleted: string;
  /** Marks a modification adds or removes, by name. */
  formats: string[];
  blocksAdded: string[];
  blocksDeleted: string[];
}

type Change =
  | { kind: typeof INSERTION | typeof DELETION | typeof MODIFICATION; id: string; from: number; to: number; mark: Mark }
  | { kind: 'block'; id: string; pos: number; node: PMNode; insert: boolean; allNew: boolean; previous?: BlockSuggestion['previous'] };

function markNames(marks: readonly Mark[]): Set<string> {
  return new Set(marks.filter((m) => !SUGGESTION_NAMES.has(m.type.name) && m.type.name !== 'comment').map((m) => m.type.name));
}

const SUGGESTION_NAMES = new Set<string>([INSERTION, DELETION, MODIFICATION]);

function previousMarks(schema: Schema, previous: unknown): Mark[] {
  try {
    const list = JSON.parse(typeof previous === 'string' ? previous : '[]') as unknown;
    return Array.isArray(list) ? list.flatMap((json) => {
      try {
        return [Mark.fromJSON(schema, json)];
      } catch {
        return []; // a mark this schema does not know: nothing to restore
      }
    }) : [];
  } catch {
    return [];
  }
}

/** Whether every inline node of a block carries this suggestion's insertion (an empty block counts). */
function allInserted(node: PMNode, id: string): boolean {
  let all = true;
  node.descendants((child) => {
    if (child.isInline && !child.marks.some((m) => m.type.name === INSERTION && m.attrs.id === id)) all = false;
    return all;
  });
  return all;
}

const changesCache = new WeakMap<PMNode, Change[]>();

/** Every suggestion mark and block suggestion in the document, in document order. */
function changesOf(doc: PMNode): Change[] {
  const cached = changesCache.get(doc);
  if (cached) return cached;
  const changes: Change[] = [];
  doc.descendants((node, pos) => {
    if (node.isInline) {
      const mark = node.marks.find((m) => SUGGESTION_NAMES.has(m.type.name));
      const id = mark?.attrs.id;
      if (!mark || typeof id !== 'string') return false;
      const last = changes[changes.length - 1];
      if (last && last.kind === mark.type.name && last.id === id && last.kind !== 'block' && last.to === pos && last.mark.eq(mark)) last.to = pos + node.nodeSize;
      else changes.push({ kind: mark.type.name as typeof INSERTION, id, from: pos, to: pos + node.nodeSize, mark });
      return false;
    }
    const block = readBlockSuggestion(node.attrs[BLOCK_SUGGESTION]);
    if (block) changes.push({ kind: 'block', id: block.id, pos, node, insert: block.kind === 'insert', allNew: block.kind === 'insert' && allInserted(node, block.id), previous: block.previous });
    return true;
  });
  changesCache.set(doc, changes);
  return changes;
}

const NODE_NAMES: Record<string, string> = { listItem: 'list item', taskItem: 'checklist item', codeBlock: 'code block', blockquote: 'quote', horizontalRule: 'line', tableRow: 'table row' };

function nodeName(node: PMNode): string {
  return NODE_NAMES[node.type.name] ?? node.type.name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** What a block's format change makes it: "heading 2", "paragraph", or the attributes that change ("text align center"). */
function blockFormatName(node: PMNode, previous: NonNullable<BlockSuggestion['previous']>): string {
  if (node.type.name !== previous.type || node.attrs.level !== previous.attrs.level) return node.type.name === 'heading' ? `heading ${String(node.attrs.level)}` : nodeName(node);
  const changed = Object.keys(node.attrs).filter((k) => k !== BLOCK_SUGGESTION && JSON.stringify(node.attrs[k]) !== JSON.stringify(previous.attrs[k]));
  return changed.map((k) => `${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${String(node.attrs[k] ?? 'none')}`).join(', ') || nodeName(node);
}

const summaryCache = new WeakMap<PMNode, SuggestionSummary[]>();

/** The document's suggestions grouped by id, in the order their text first appears. */
export function suggestionsOf(doc: PMNode): SuggestionSummary[] {
  const cached = summaryCache.get(doc);
  if (cached) return cached;
  const byId = new Map<string, SuggestionSummary>();
  for (const change of changesOf(doc)) {
    const attrs = change.kind === 'block' ? readBlockSuggestion(change.node.attrs[BLOCK_SUGGESTION])! : (change.mark.attrs as { author: string; authorId: string; createdAt: number });
    let s = byId.get(change.id);
    if (!s) {
      s = { id: change.id, author: attrs.author, authorId: attrs.authorId, createdAt: attrs.createdAt, inserted: '', deleted: '', formats: [], blocksAdded: [], blocksDeleted: [] };
      byId.set(change.id, s);
    }
    if (change.kind === 'block' && change.previous) s.formats.push(blockFormatName(change.node, change.previous));
    else if (change.kind === 'block') (change.insert ? s.blocksAdded : s.blocksDeleted).push(nodeName(change.node));
    else if (change.kind === INSERTION) s.inserted += doc.textBetween(change.from, change.to, ' ', ' ');
    else if (change.kind === DELETION) s.deleted += doc.textBetween(change.from, change.to, ' ', ' ');
    else {
      const before = markNames(previousMarks(doc.type.schema, change.mark.attrs.previous));
      const now = markNames(doc.resolve(change.from).nodeAfter?.marks ?? []);
      for (const name of new Set([...before, ...now])) if (before.has(name) !== now.has(name) && !s.formats.includes(name)) s.formats.push(name);
    }
  }
  const list = [...byId.values()];
  summaryCache.set(doc, list);
  return list;
}

function quote(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return `“${t.length > 60 ? `${t.slice(0, 59)}…` : t}”`;
}

/** What a suggestion changes, in words: "Add “foo”", "Delete “bar”", "Format: bold", "Add paragraph". */
export function describe(s: SuggestionSummary): string {
  const parts: string[] = [];
  if (s.inserted && s.deleted) parts.push(`Replace ${quote(s.deleted)} with ${quote(s.inserted)}`);
  else if (s.inserted) parts.push(s.blocksAdded.length > 0 ? `Add ${s.blocksAdded[0]}: ${quote(s.inserted)}` : `Add ${quote(s.inserted)}`);
  else if (s.deleted) parts.push(`Delete ${quote(s.deleted)}`);
  if (!s.inserted && s.blocksAdded.length > 0) parts.push(`Add ${s.blocksAdded[0]}`);
  if (s.blocksDeleted.length > 0) parts.push(`Delete ${s.blocksDeleted[0]}`);
  if (s.formats.length > 0) parts.push(`Format: ${s.formats.join(', ')}`);
  return parts.join('; ') || 'Change';
}

function changePos(c: Change): number {
  return c.kind === 'block' ? c.pos : c.from;
}

/** One change undone or made final, on `tr` (changes are applied from the end of the document). */
function settle(tr: Transaction, c: Change, accept: boolean, schema: Schema): void {
  const map = (pos: number, assoc = 1) => tr.mapping.map(pos, assoc);
  if (c.kind === 'block') {
    const pos = map(c.pos);
    const node = tr.doc.nodeAt(pos);
    if (!node) return;
    if (c.previous) {
      // A format change: accepting keeps the block as it is now, rejecting puts back what it was.
      const type = schema.nodes[c.previous.type];
      if (accept || !type) tr.setNodeAttribute(pos, BLOCK_SUGGESTION, null);
      else tr.setNodeMarkup(pos, type, { ...c.previous.attrs, [BLOCK_SUGGESTION]: null });
      return;
    }
    if (accept === c.insert) {
      tr.setNodeAttribute(pos, BLOCK_SUGGESTION, null);
    } else if (!c.insert || c.allNew) {
      tr.delete(pos, pos + node.nodeSize);
    } else {
      // A paragraph split in two (Enter in the middle of text): rejecting joins it back.
      tr.setNodeAttribute(pos, BLOCK_SUGGESTION, null);
      for (let at = pos; at > 0 && canJoin(tr.doc, at); at--) tr.join(at);
    }
    return;
  }
  const from = map(c.from);
  const to = map(c.to, -1);
  if (from >= to) return;
  const removes = c.kind === INSERTION ? !accept : c.kind === DELETION ? accept : false;
  if (removes) {
    tr.delete(from, to);
    return;
  }
  tr.removeMark(from, to, c.mark.type);
  if (c.kind === MODIFICATION && !accept) {
    tr.doc.nodesBetween(from, to, (node) => {
      for (const m of node.marks) if (!SUGGESTION_NAMES.has(m.type.name) && m.type.name !== 'comment') tr.removeMark(from, to, m.type);
      return !node.isInline;
    });
    for (const m of previousMarks(schema, c.mark.attrs.previous)) tr.addMark(from, to, m);
  }
}

/**
 * Accepts or rejects the suggestions with these ids (all of them when `ids` is undefined), in one
 * transaction. Returns whether anything changed.
 */
export function review(editor: Editor, accept: boolean, ids?: ReadonlySet<string>): boolean {
  const { state } = editor;
  const changes = changesOf(state.doc).filter((c) => !ids || ids.has(c.id));
  if (changes.length === 0) return false;
  const tr = state.tr;
  for (const c of [...changes].sort((a, b) => changePos(b) - changePos(a))) settle(tr, c, accept, state.schema);
  if (!tr.docChanged) return false;
  // Its own undo step, whatever was typed just before or after.
  newUndoStep(editor);
  editor.view.dispatch(tr.setMeta(SUGGESTED_META, true));
  newUndoStep(editor);
  return true;
}

/** Where a suggestion's text (or block) begins; null once it is gone. */
export function suggestionStart(doc: PMNode, id: string): number | null {
  const change = changesOf(doc).find((c) => c.id === id);
  return change ? changePos(change) : null;
}
