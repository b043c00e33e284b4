import type { Editor } from '@tiptap/core';
import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';

/** Counting walks the whole document: done in a pause, never on the path of a keystroke. */
const COUNT_DELAY_MS = 300;

function count(editor: Editor): { words: number; characters: number } {
  const text = editor.state.doc.textBetween(0, editor.state.doc.content.size, ' ', ' ');
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return { words, characters: [...text.replace(/\s+/g, ' ').trim()].length };
}

/**
 * One formatter for the page: `toLocaleString()` builds a new one on every call (a profile of
 * K put 224 ms of a round in this footer's two numbers, 1.3 % of the typist's page).
 */
let numbers: Intl.NumberFormat | undefined;
const plural = (n: number, one: string) => `${(numbers ??= new Intl.NumberFormat()).format(n)} ${one}${n === 1 ? '' : 's'}`;

/**
 * "123 words · 456 characters" in the footer, updated in pauses. Until the document has arrived
 * (from the server, or from this device's copy while offline) it says so, not "0 words".
 */
export function WordCount({ editor, loaded }: { editor: Editor; loaded: boolean }) {
  const [counts, setCounts] = useState(() => count(editor));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Each change puts the count off again: while someone types without a pause, nothing is counted.
    const handleUpdate = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
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
  if (!loaded && counts.characters === 0) {
    return (
      <span className="tandem-footer__count" data-loading="">
        Loading…
      </span>
    );
  }
  return (
    <span className="tandem-footer__count" data-words={counts.words} data-characters={counts.characters}>
      {plural(counts.words, 'word')} · {plural(counts.characters, 'character')}
    </span>
  );
}

/** Whether the provider has had the server's whole document (its first sync) at least once. */
export function useSynced(provider: WebsocketProvider | null): boolean {
  const [synced, setSynced] = useState(false);
  useEffect(() => {
    if (!provider) return;
    setSynced(provider.synced);
    const handleSync = (s: boolean) => {
      if (s) setSynced(true);
    };
    provider.on('sync', handleSync);
    return () => provider.off('sync', handleSync);
  }, [provider]);
  return synced;
}
