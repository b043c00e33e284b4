/**
 * The document schema of Tandem, as one list of Tiptap extensions with no React and no DOM:
 * the editor adds collaboration on top of it, and the server builds its conversions (export,
 * import, restore) from the very same list, so that both agree on what a document can hold.
 */
import { getSchema, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';

/** The Y.XmlFragment the editor binds to (`doc.getXmlFragment(FRAGMENT)`), everywhere. */
export const FRAGMENT = 'default';

/** The extensions that define what a Tandem document holds. */
export function tandemExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false, // Collaboration brings its own undo that only reverts *our* changes
      // Every client would append its own trailing paragraph to the shared document, and
      // concurrent ones pile up as empty paragraphs.
      trailingNode: false,
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
    }),
  ];
}

/** The ProseMirror schema of those extensions. */
export function tandemSchema(): Schema {
  return getSchema(tandemExtensions());
}
