/**
 * The editor's side of comments: which thread is active (its text highlighted), the text a new
 * comment is being written about (mapped through everyone's edits while the person types), the
 * anchors on the page, and the rules on the text for a commenter. The threads themselves live
 * in the Y.Doc (threads.ts); the anchor is the schema's `comment` mark.
 */
import { Extension, type Editor } from '@tiptap/core';
import { Fragment, Slice, type MarkType, type Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state';
import { AddMarkStep, RemoveMarkStep } from '@tiptap/pm/transform';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { newId } from '../ids';
import { newThread, threadsMap, type CommentAuthor } from './threads';
import { isSuggested } from '../suggestions/SuggestChanges';

export interface Range {
  from: number;
  to: number;
}

export interface CommentUiState {
  /** The thread whose text and card are highlighted. */
  active: string | null;
  /** The text a comment is being written about, until it is sent or cancelled. */
  draft: Range | null;
  decorations: DecorationSet;
}

export const commentsKey = new PluginKey<CommentUiState>('tandemComments');

/** The Yjs origin of comment changes: not ySyncPluginKey, so that Ctrl+Z never undoes a comment. */
const COMMENT_ORIGIN = { kind: 'comments' } as const;

function commentType(state: EditorState): MarkType {
  const type = state.schema.marks.comment;
  if (!type) throw new Error('the schema has no comment mark');
  return type;
}

function threadOf(mark: { attrs: Record<string, unknown> }): string | null {
  return typeof mark.attrs.thread === 'string' ? mark.attrs.thread : null;
}

/** The ranges of text (and inline nodes) carrying a thread's mark. */
export function threadRanges(doc: PMNode, type: MarkType, thread: string): Range[] {
  const ranges: Range[] = [];
  doc.descendants((node, pos) => {
    if (!node.isInline) return true;
    if (node.marks.some((m) => m.type === type && m.attrs.thread === thread)) {
      const last = ranges[ranges.length - 1];
      if (last && last.to === pos) last.to = pos + node.nodeSize;
      else ranges.push({ from: pos, to: pos + node.nodeSize });
    }
    return false;
  });
  return ranges;
}

const anchoredCache = new WeakMap<PMNode, readonly string[]>();

/**
 * Thread ids in the order their text first appears; a thread not here is detached. Computed
 * when asked (the panel asks only while there are threads), once per document state: a
 * document without comments pays nothing per keystroke.
 */
export function anchoredThreads(state: EditorState): readonly string[] {
  const cached = anchoredCache.get(state.doc);
  if (cached) return cached;
  const type = commentType(state);
  const seen = new Set<string>();
  state.doc.descendants((node) => {
    if (!node.isInline) return true;
    for (const mark of node.marks) {
      const id = mark.type === type ? threadOf(mark) : null;
      if (id) seen.add(id);
    }
    return false;
  });
  const anchored = [...seen];
  anchoredCache.set(state.doc, anchored);
  return anchored;
}

function decorate(doc: PMNode, type: MarkType, active: string | null, draft: Range | null): DecorationSet {
  const decorations = active ? threadRanges(doc, type, active).map((r) => Decoration.inline(r.from, r.to, { class: 'comment-anchor--active' })) : [];
  if (draft && draft.from < draft.to) decorations.push(Decoration.inline(draft.from, draft.to, { class: 'comment-draft' }));
  return DecorationSet.create(doc, decorations);
}

type Meta = { active?: string | null; draft?: Range | null };

/** A copy of a slice without comment marks: pasted text never carries someone's thread along. */
function withoutComments(fragment: Fragment, type: MarkType): Fragment {
  const nodes: PMNode[] = [];
  fragment.forEach((node) => {
    const copy = node.isText ? node : node.copy(withoutComments(node.content, type));
    nodes.push(copy.mark(copy.marks.filter((m) => m.type !== type)));
  });
  return Fragment.from(nodes);
}

/**
 * A commenter's editor types only in Suggesting mode (suggestions/SuggestChanges.ts makes what
 * they type a suggestion the server allows), and this is the second line: any change to the text
 * that is not a suggestion, a comment mark or a change coming from Yjs (a peer's edit, the editor
 * re-rendering) is dropped before it can reach the Y.Doc — such as another plugin's repair or
 * autolink appended to a change, which the server would answer by closing the connection (1008).
 */
function allowedForCommenter(tr: Transaction, type: MarkType): boolean {
  if (!tr.docChanged || isSuggested(tr)) return true;
  const sync = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
  if (sync?.isChangeOrigin) return true;
  return tr.steps.every((step) => (step instanceof AddMarkStep || step instanceof RemoveMarkStep) && step.mark.type === type);
}

export interface CommentToolsStorage {
  /** Set for `comment` access: only comment marks may change the text (see allowedForCommenter). */
  commentOnly: boolean;
}

declare module '@tiptap/core' {
  interface Storage {
    commentTools: CommentToolsStorage;
  }
}

export const CommentTools = Extension.create<Record<string, never>, CommentToolsStorage>({
  name: 'commentTools',
  addStorage() {
    return { commentOnly: false };
  },
  addProseMirrorPlugins() {
    const storage = this.storage;
    const editor = this.editor;
    return [
      new Plugin<CommentUiState>({
        key: commentsKey,
        state: {
          init: () => ({ active: null, draft: null, decorations: DecorationSet.empty }),
          apply: (tr, value, _old, state) => {
            const meta = tr.getMeta(commentsKey) as Meta | undefined;
            if (!meta && !tr.docChanged) return value;
            const type = commentType(state);
            const active = meta && 'active' in meta ? (meta.active ?? null) : value.active;
            let draft = meta && 'draft' in meta ? (meta.draft ?? null) : value.draft;
            if (draft && tr.docChanged) {
              const from = tr.mapping.map(draft.from, 1);
              const to = tr.mapping.map(draft.to, -1);
              draft = from < to ? { from, to } : null;
            }
            const decorations = active || draft || value.active || value.draft ? decorate(state.doc, type, active, draft) : value.decorations;
            return { active, draft, decorations };
          },
        },
        filterTransaction: (tr, state) => !storage.commentOnly || allowedForCommenter(tr, commentType(state)),
        props: {
          // Tiptap makes an editable page focusable; a page that cannot be typed into must still
          // take focus too (keyboard selection, Ctrl+Alt+M for a commenter).
          attributes: (): Record<string, string> => (editor.isEditable ? {} : { tabindex: '0' }),
          decorations: (state) => commentsKey.getState(state)?.decorations,
          transformPasted: (slice, view) => new Slice(withoutComments(slice.content, commentType(view.state)), slice.openStart, slice.openEnd),
          handleClick: (view, pos) => {
            // A click on commented text makes its thread active (the innermost one where threads overlap).
            const type = commentType(view.state);
            const $pos = view.state.doc.resolve(pos);
            const marks = [...$pos.marks(), ...($pos.nodeAfter?.marks ?? [])].filter((m) => m.type === type);
            const thread = marks.length > 0 ? threadOf(marks[marks.length - 1]!) : null;
            if (thread !== (commentsKey.getState(view.state)?.active ?? null)) view.dispatch(view.state.tr.setMeta(commentsKey, { active: thread }));
            return false;
          },
        },
      }),
    ];
  },
});

export function commentUi(editor: Editor): CommentUiState | undefined {
  return commentsKey.getState(editor.state);
}

export function setActiveThread(editor: Editor, active: string | null): void {
  if (commentUi(editor)?.active !== active) editor.view.dispatch(editor.state.tr.setMeta(commentsKey, { active }));
}

/** Ctrl+Alt+M, or the Comment button: starts a comment on the selected text. False when nothing is selected. */
export function startComment(editor: Editor): boolean {
  const { selection } = editor.state;
  if (!(selection instanceof TextSelection) || selection.empty) return false;
  editor.view.dispatch(editor.state.tr.setMeta(commentsKey, { draft: { from: selection.from, to: selection.to }, active: null }));
  return true;
}

export function cancelComment(editor: Editor): void {
  editor.view.dispatch(editor.state.tr.setMeta(commentsKey, { draft: null }));
}

/**
 * Sends the comment being written: the thread's map and the mark on its text in one Yjs
 * transaction (the mark is written by y-tiptap while the view updates, inside ours), so that
 * the server sees a thread and its anchor as one update. Returns the new thread's id.
 */
export function submitComment(editor: Editor, doc: Y.Doc, author: CommentAuthor, body: string): string | null {
  const draft = commentUi(editor)?.draft;
  if (!draft) return null;
  const { state } = editor;
  const id = newId();
  const quote = state.doc.textBetween(draft.from, draft.to, ' ', ' ').trim();
  doc.transact(() => {
    threadsMap(doc).set(id, newThread(quote, author, body));
    editor.view.dispatch(state.tr.addMark(draft.from, draft.to, commentType(state).create({ thread: id })).setMeta(commentsKey, { draft: null, active: id }));
  }, COMMENT_ORIGIN);
  return id;
}

/** Deletes a whole thread (writers only): its map, and its mark wherever it still is. */
export function deleteThread(editor: Editor, doc: Y.Doc, thread: string): void {
  const { state } = editor;
  const type = commentType(state);
  const mark = type.create({ thread });
  const tr = state.tr;
  for (const r of threadRanges(state.doc, type, thread)) tr.removeMark(r.from, r.to, mark);
  if (commentUi(editor)?.active === thread) tr.setMeta(commentsKey, { active: null });
  doc.transact(() => {
    threadsMap(doc).delete(thread);
    editor.view.dispatch(tr);
  }, COMMENT_ORIGIN);
}

/** Selects a thread's text and scrolls it into view (clicking its card). */
export function revealThread(editor: Editor, thread: string): void {
  const ranges = threadRanges(editor.state.doc, commentType(editor.state), thread);
  const tr = editor.state.tr.setMeta(commentsKey, { active: thread });
  const first = ranges[0];
  if (first) tr.setSelection(TextSelection.create(tr.doc, first.from)).scrollIntoView();
  editor.view.dispatch(tr);
}
