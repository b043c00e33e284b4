import type { Editor } from '@tiptap/core';
import { useEffect, useState } from 'react';

/** Counting walks the whole document: done in a pause, never on the path of a keystroke. */
const COUNT_DELAY_MS = 300;

function count(editor: Editor): { words: number; characters: number } {
  const text = editor.state.doc.textBetween(0, editor.state.doc.content.size, ' ', ' ');
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return { words, characters: [...text.replace(/\s+/g, ' ').trim()].length };
}

const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

/** "123 words · 456 characters" in the footer, updated in pauses. */
export function WordCount({ editor }: { editor: Editor }) {
  const [counts, setCounts] = useState(() => count(editor));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const handleUpdate = () => {
      if (timer === undefined) timer = setTimeout(() => {
        timer = undefined;
        if (!editor.isDestroyed) setCounts(count(editor));
      }, COUNT_DELAY_MS);
    };
    editor.on('update', handleUpdate);
    return () => {
      editor.off('update', handleUpdate);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [editor]);
  return (
    <span className="tandem-footer__count" data-words={counts.words} data-characters={counts.characters}>
      {plural(counts.words, 'word')} · {plural(counts.characters, 'character')}
    </span>
  );
}
