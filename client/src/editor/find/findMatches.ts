// Where a query occurs in a ProseMirror document: pure, so the plugin can run it on every change.
import type { Node } from '@tiptap/pm/model';

export interface Match {
  from: number;
  to: number;
}

/** Stands for an inline node that is not text (an image, a line break): one position, never matched. */
const OBJECT = '\uFFFC';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Every occurrence of `query` in the text of each textblock (a match never spans two blocks, as
 * in a word processor). A regular expression with the `i` flag rather than lower-casing both
 * sides: lower-casing can change a string's length and so the positions.
 */
export function findMatches(doc: Node, query: string, caseSensitive: boolean): Match[] {
  if (!query) return [];
  const pattern = new RegExp(escapeRegExp(query), caseSensitive ? 'gu' : 'giu');
  const matches: Match[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    let text = '';
    node.forEach((child) => {
      text += child.isText ? child.text! : OBJECT.repeat(child.nodeSize);
    });
    const start = pos + 1;
    for (const m of text.matchAll(pattern)) matches.push({ from: start + m.index, to: start + m.index + m[0].length });
    return false;
  });
  return matches;
}
