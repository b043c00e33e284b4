import { useSyncExternalStore } from 'react';
import type { Editor } from '@tiptap/core';

const count = (editor: Editor) => editor.state.doc.textContent.split(/\s+/).filter(Boolean).length;

/** Counts words as the document changes, whoever changes it (remote edits included). */
export function WordCount({ editor }: { editor: Editor }) {
  const words = useSyncExternalStore(
    (onChange) => {
      editor.on('update', onChange);
      return () => editor.off('update', onChange);
    },
    () => count(editor),
  );
  return (
    <span className="word-count" aria-live="polite">
      {words} words
    </span>
  );
}
