// Find and replace (issue 26): the matches are decorations only. Searching never writes to the
// document or to awareness, so nothing goes to the server until someone replaces.
import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import { findMatches, type Match } from './findMatches';

export interface FindState {
  query: string;
  caseSensitive: boolean;
  matches: Match[];
  /** Index of the current match in `matches`, or -1 when there is none. */
  current: number;
  decorations: DecorationSet;
}

type FindMeta = { query?: string; caseSensitive?: boolean; current?: number };

export const findKey = new PluginKey<FindState>('tandemFind');

const EMPTY: FindState = { query: '', caseSensitive: false, matches: [], current: -1, decorations: DecorationSet.empty };

function decorate(state: EditorState, matches: Match[], current: number): DecorationSet {
  return DecorationSet.create(
    state.doc,
    matches.map((m, i) => Decoration.inline(m.from, m.to, { class: i === current ? 'tandem-find-match tandem-find-match--current' : 'tandem-find-match' })),
  );
}

/** The plugin state after `tr`: searched again whenever the document changed, remote changes included. */
function nextState(tr: Transaction, prev: FindState, _old: EditorState, state: EditorState): FindState {
  const meta = tr.getMeta(findKey) as FindMeta | undefined;
  if (!meta && !tr.docChanged) return prev;
  const query = meta?.query ?? prev.query;
  const caseSensitive = meta?.caseSensitive ?? prev.caseSensitive;
  if (!query) return EMPTY;
  const matches = tr.docChanged || query !== prev.query || caseSensitive !== prev.caseSensitive ? findMatches(state.doc, query, caseSensitive) : prev.matches;
  let current = meta?.current ?? prev.current;
  // A new query starts at the first match after the caret, as a word processor does.
  if (query !== prev.query || caseSensitive !== prev.caseSensitive) current = matches.findIndex((m) => m.from >= state.selection.from);
  if (matches.length === 0) current = -1;
  else if (current < 0 || current >= matches.length) current = 0; // none after the caret, or past the end: wrap
  return { query, caseSensitive, matches, current, decorations: decorate(state, matches, current) };
}

export function findState(editor: Editor): FindState {
  return findKey.getState(editor.state) ?? EMPTY;
}

function setFind(editor: Editor, meta: FindMeta) {
  // Decorations only: no selection, no step, nothing for y-tiptap to send. (Not
  // addToHistory: false, which would make y-tiptap cut the undo group being typed.)
  editor.view.dispatch(editor.state.tr.setMeta(findKey, meta));
}

export function search(editor: Editor, query: string, caseSensitive: boolean) {
  setFind(editor, { query, caseSensitive });
}

/** Moves to the next (or previous) match and shows it, without moving the selection. */
export function step(editor: Editor, by: 1 | -1) {
  const { matches, current } = findState(editor);
  if (matches.length === 0) return;
  setFind(editor, { current: (current + by + matches.length) % matches.length });
  revealCurrent(editor);
}

export function revealCurrent(editor: Editor) {
  const { matches, current } = findState(editor);
  const match = matches[current];
  if (!match) return;
  const { node } = editor.view.domAtPos(match.from);
  const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
  element?.scrollIntoView({ block: 'nearest' });
}

/** Yjs's UndoManager (Collaboration's undo): its capture boundary makes a replacement its own step. */
function stopCapturing(editor: Editor) {
  (yUndoPluginKey.getState(editor.state) as { undoManager?: { stopCapturing(): void } } | undefined)?.undoManager?.stopCapturing();
}

/** Replaces the current match; returns how many it replaced (0 or 1). */
export function replaceCurrent(editor: Editor, replacement: string): number {
  const { matches, current } = findState(editor);
  const match = matches[current];
  if (!match || !editor.isEditable) return 0;
  stopCapturing(editor);
  const tr = editor.state.tr;
  if (replacement) tr.insertText(replacement, match.from, match.to);
  else tr.delete(match.from, match.to);
  // The same index is now the match after the one replaced.
  editor.view.dispatch(tr.setMeta(findKey, { current }));
  stopCapturing(editor);
  revealCurrent(editor);
  return 1;
}

/** Every match in one transaction, so one Yjs transaction, so one undo step. */
export function replaceAll(editor: Editor, replacement: string): number {
  const { matches } = findState(editor);
  if (matches.length === 0 || !editor.isEditable) return 0;
  stopCapturing(editor);
  const tr = editor.state.tr;
  // From the end, so the earlier positions stay valid.
  for (const m of [...matches].reverse()) {
    if (replacement) tr.insertText(replacement, m.from, m.to);
    else tr.delete(m.from, m.to);
  }
  editor.view.dispatch(tr);
  stopCapturing(editor);
  return matches.length;
}

export const FindReplace = Extension.create({
  name: 'findReplace',
  addProseMirrorPlugins() {
    return [
      new Plugin<FindState>({
        key: findKey,
        state: { init: () => EMPTY, apply: nextState },
        props: { decorations: (state) => findKey.getState(state)?.decorations },
      }),
    ];
  },
});
