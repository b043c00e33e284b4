// A key pressed right after the browser moved the cursor on its own (End, Ctrl+End, Home, the
// arrows) can reach ProseMirror before the browser's `selectionchange` does. ProseMirror then
// runs the key's command on the selection from before the move: Backspace at the start of the
// line the cursor has just left joins it to the line above, and beside a peer's caret a
// Backspace was lost (e2e compare.spec.ts lost one after Ctrl+End, or typed at the old place
// after Ctrl+Home, one run in four).
// ProseMirror's own keydown handler only flushes a `selectionchange` it has already seen; this
// reads the browser's selection into the editor before any keymap acts on it.
import { Extension } from '@tiptap/core';
import { Plugin } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

/** ProseMirror's DOM observer (internal to EditorView); `flush` reads the DOM's selection now. */
type Observed = EditorView & { domObserver?: { flush?: () => void } };

export const KeySelection = Extension.create({
  name: 'keySelection',
  // before every keymap (Tiptap's own, lists, tables, suggestions): they act on the selection
  priority: 10_000,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        props: {
          handleKeyDown(view, event) {
            // during a composition the IME owns the selection, and ProseMirror leaves it alone too
            if (event.isComposing || event.keyCode === 229 || view.composing) return false;
            const observer = (view as Observed).domObserver;
            if (typeof observer?.flush === 'function') observer.flush();
            return false;
          },
        },
      }),
    ];
  },
});
