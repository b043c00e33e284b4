import type { Editor } from '@tiptap/core';
import { IMAGE_TYPES } from './imageTypes';

/** An image on another site (not one of our `/files/` paths): copied into the document when pasted. */
export function isExternalImage(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

const hostOf = (src: string): string => {
  try {
    return new URL(src).host;
  } catch {
    return src;
  }
};

/**
 * Fetches an image pasted from another site, by the browser (the server never fetches addresses
 * people give it), and uploads it into this document. Rejects when the site does not let pages
 * read it (CORS) or it is no image we keep.
 */
export async function copyExternalImage(src: string, upload: (file: File) => Promise<string>): Promise<string> {
  let res: Response;
  try {
    // No cookies: what is copied is what anyone may see at that address.
    res = await fetch(src, { mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    throw new Error(`${hostOf(src)} does not let other sites copy its images`);
  }
  if (!res.ok) throw new Error(`${hostOf(src)} answered ${res.status}`);
  const blob = await res.blob();
  if (!(IMAGE_TYPES as readonly string[]).includes(blob.type)) throw new Error(`it is not a PNG, JPEG, GIF or WebP image`);
  const name = decodeURIComponent(new URL(src).pathname.split('/').pop() || 'pasted image');
  return upload(new File([blob], name, { type: blob.type }));
}

/**
 * Where an image could not be copied, it stays a link to where it was (a paragraph holding its
 * description or address), never an image that breaks when that site changes.
 */
export function keepImageAsLink(editor: Editor, src: string): void {
  const { schema } = editor;
  const link = schema.marks.link;
  const paragraph = schema.nodes.paragraph;
  if (!link || !paragraph) return;
  const tr = editor.state.tr;
  const found: Array<{ pos: number; size: number; alt: string }> = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === 'image' && node.attrs.src === src) found.push({ pos, size: node.nodeSize, alt: typeof node.attrs.alt === 'string' ? node.attrs.alt : '' });
  });
  for (const { pos, size, alt } of found.reverse()) {
    const text = schema.text(alt.trim() || src, [link.create({ href: src })]);
    tr.replaceWith(pos, pos + size, paragraph.create(null, text));
  }
  // Part of the paste, not a step of its own for undo.
  if (tr.docChanged) editor.view.dispatch(tr.setMeta('addToHistory', false));
}
