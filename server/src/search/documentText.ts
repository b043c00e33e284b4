import * as Y from 'yjs';
import { FRAGMENT, TITLE } from '@tandem/schema';
import type { SearchText } from '../storage/kinds/search.js';

/**
 * At most this much of a document's text is indexed: search finds a very long document by its
 * first pages, and one pasted book never holds megabytes of the index's memory.
 */
export const MAX_INDEXED_CHARS = 200_000;

/** The document's title (the root Y.Text `title`, '' when never set). */
export function titleOf(doc: Y.Doc): string {
  // Read off the root as it is when nothing asked for it yet: asking defines it in the document.
  return doc.share.has(TITLE) ? doc.getText(TITLE).toString() : '';
}

/** Title and plain text of a document, one line per block, marks dropped. */
export function searchTextOf(doc: Y.Doc): SearchText {
  const out: string[] = [];
  let length = 0;
  const walk = (node: Y.XmlElement | Y.XmlFragment): void => {
    let hasText = false;
    for (const child of node.toArray()) {
      if (length >= MAX_INDEXED_CHARS) return;
      if (child instanceof Y.XmlText) {
        for (const op of child.toDelta() as Array<{ insert?: unknown }>) {
          if (typeof op.insert !== 'string') continue;
          out.push(op.insert);
          length += op.insert.length;
        }
        hasText = true;
      } else if (child instanceof Y.XmlElement) walk(child);
    }
    if (hasText) {
      out.push('\n');
      length++;
    }
  };
  if (doc.share.has(FRAGMENT)) walk(doc.getXmlFragment(FRAGMENT));
  return { title: titleOf(doc), text: out.join('').slice(0, MAX_INDEXED_CHARS).trimEnd() };
}

/** The same, of a stored state (one Yjs update). */
export function searchTextOfState(state: Uint8Array): SearchText {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, state);
    return searchTextOf(doc);
  } finally {
    doc.destroy();
  }
}
