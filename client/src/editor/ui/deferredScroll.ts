// ProseMirror scrolls the selection into view after every transaction that asks for it: each
// keystroke typed, and each remote change while the person's caret is on screen (y-tiptap). To
// know where the selection is, it makes the browser lay the page out there and then, in the task
// of that keystroke or message, before the next one is handled; a layout that the next frame
// does anyway. Here the scroll waits for that frame: the page scrolls in the frame that shows
// the change, and the change's task ends sooner (issue 28: K300's pages spent 0.2 s a round in
// these layouts, more with 300 carets in the text).
import { Extension } from '@tiptap/core';
import { Plugin } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

/** ProseMirror's own scroll (internal to EditorView, public in practice: `handleScrollToSelection` defers it). */
type Scrolling = EditorView & { scrollToSelection(): void };

export const DeferredScroll = Extension.create({
  name: 'deferredScroll',
  addProseMirrorPlugins() {
    let frame = 0;
    let now = false; // inside the frame: ProseMirror's default scroll runs
    return [
      new Plugin({
        props: {
          handleScrollToSelection(view) {
            if (now) return false;
            // Several transactions in one frame scroll once, to where the selection is then.
            frame ||= requestAnimationFrame(() => {
              frame = 0;
              if (view.isDestroyed) return;
              now = true;
              try {
                (view as Scrolling).scrollToSelection();
              } finally {
                now = false;
              }
            });
            return true;
          },
        },
        view: () => ({
          destroy() {
            cancelAnimationFrame(frame);
            frame = 0;
          },
        }),
      }),
    ];
  },
});
