/**
 * Suggesting mode in the editor: every local change is handed to `suggestTransaction` on its way
 * to the view (Tiptap's `dispatchTransaction` hook, as prosemirror-suggest-changes'
 * `withSuggestChanges` wraps it), so what the person typed, deleted, pasted or formatted reaches
 * the Y.Doc only as a suggestion. Changes from Yjs (peers, and undo/redo, which y-tiptap applies
 * as remote changes) and the review's own accept/reject pass untouched.
 */
import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import { isRemoteChange } from '@tandem/schema';
import { suggestTransaction } from './suggest';

export type EditorMode = 'editing' | 'suggesting' | 'viewing';

/** Set on transactions that already are suggestions (or their review): never transformed again. */
export const SUGGESTED_META = 'tandemSuggested';

export const suggestKey = new PluginKey('tandemSuggestions');

export interface SuggestChangesStorage {
  mode: EditorMode;
  /** The person, as suggestions name them: display name and identity id ("" without one). */
  author: { name: string; id: string };
}

declare module '@tiptap/core' {
  interface Storage {
    suggestChanges: SuggestChangesStorage;
  }
}

/** Whether this transaction (or the review's) was made as, or on, suggestions already. */
export function isSuggested(tr: Transaction): boolean {
  return tr.getMeta(SUGGESTED_META) === true;
}

/**
 * Ends the current undo step: Yjs' UndoManager merges changes within 500 ms, so an accept right
 * after typing, or typing right after switching mode, would otherwise be undone together.
 */
export function newUndoStep(editor: Editor): void {
  const state = yUndoPluginKey.getState(editor.state) as { undoManager?: { stopCapturing(): void } } | undefined;
  state?.undoManager?.stopCapturing();
}

/** The original's metas (paste, uiEvent, focus…) onto its replacement, so other plugins still read them. */
function copyMeta(from: Transaction, to: Transaction): void {
  const meta = (from as unknown as { meta: Record<string, unknown> }).meta;
  for (const key of Object.keys(meta)) to.setMeta(key, meta[key]);
}

export const SuggestChanges = Extension.create<Record<string, never>, SuggestChangesStorage>({
  name: 'suggestChanges',
  // Before the input rules: in Suggesting mode "1. " or "# " stays text instead of a change of
  // structure that a suggestion cannot hold.
  priority: 1000,
  addStorage() {
    return { mode: 'editing', author: { name: '', id: '' } };
  },
  dispatchTransaction({ transaction, next }) {
    const { mode, author } = this.storage;
    if (mode !== 'suggesting' || !transaction.docChanged || isRemoteChange(transaction) || isSuggested(transaction)) return next(transaction);
    const commentOnly = this.editor.storage.commentTools?.commentOnly === true;
    // A writer's housekeeping that is no edit of theirs (an uploaded or pasted image pointed at
    // its stored copy) goes through: as a suggestion it would be lost.
    if (!commentOnly && transaction.getMeta('addToHistory') === false) return next(transaction);
    const suggested = suggestTransaction(this.editor.state, transaction, { ...author, commentOnly });
    if (!suggested) return;
    copyMeta(transaction, suggested);
    next(suggested.setMeta(SUGGESTED_META, true));
  },
  addProseMirrorPlugins() {
    const storage = this.storage;
    return [
      new Plugin({
        key: suggestKey,
        props: {
          // ProseMirror's own insertion (with its composition meta and the DOM's selection), minus
          // the input rules that would otherwise run first.
          handleTextInput: (view, _from, _to, _text, insert) => {
            if (storage.mode !== 'suggesting') return false;
            view.dispatch(insert());
            return true;
          },
        },
      }),
    ];
  },
});
