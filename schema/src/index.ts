/**
 * The document schema of Tandem, as one list of Tiptap extensions with no React and no DOM:
 * the editor adds collaboration on top of it, and the server builds its conversions (export,
 * import, restore) from the very same list, so that both agree on what a document can hold.
 */
import { getSchema, getStyleProperty, mergeAttributes, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { Plugin, type Transaction } from '@tiptap/pm/state';
import { tableEditingKey } from '@tiptap/pm/tables';
import StarterKit from '@tiptap/starter-kit';
import Link from '@tiptap/extension-link';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import Highlight from '@tiptap/extension-highlight';
import { Color, TextStyle } from '@tiptap/extension-text-style';
import Image from '@tiptap/extension-image';
import TextAlign from '@tiptap/extension-text-align';
import { Indent } from './indent.js';
import { CommentMark } from './comments.js';
import { suggestionExtensions } from './suggestions.js';

export { COMMENTS, COMMENT_ID, CommentMark, MAX_COMMENT_BODY, THREAD_ATTRIBUTE, commentAttributeKey, isCommentAttribute } from './comments.js';

export { Indent, MAX_INDENT } from './indent.js';
export * from './suggestions.js';
export { MAX_TITLE_CHARS, TITLE, UNTITLED } from './title.js';
import { safeColor } from './colors.js';

export { safeColor } from './colors.js';

/** The Y.XmlFragment the editor binds to (`doc.getXmlFragment(FRAGMENT)`), everywhere. */
export const FRAGMENT = 'default';

/** Where uploaded files are served: `/files/<encoded name>/<sha256>` (DESIGN.md, HTTP API). */
export const FILES_PREFIX = '/files/';

/**
 * An image's `src` as the document keeps it: a pasted copy of one of our own images carries the
 * viewer's `?token=` (the editor adds it for display), which must never be stored in the
 * document where every reader would see it.
 */
export function storedImageSrc(src: string | null): string | null {
  if (!src) return src;
  const at = src.indexOf(FILES_PREFIX);
  if (at < 0) return src;
  const path = src.slice(at).split(/[?#]/)[0]!;
  return STORED_FILE.test(path) ? path : src;
}

/** A stored file path, `/files/<encoded name>/<sha256>`, with the encoded name captured. */
const STORED_FILE = /^\/files\/([^/?#]+)\/[0-9a-f]{64}$/;

/** The document a stored file path belongs to; undefined for any other `src`. */
export function fileOwner(src: string): string | undefined {
  const m = STORED_FILE.exec(src);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/** y-tiptap marks the transactions that bring remote changes in with this meta (its PluginKey 'y-sync'). */
const Y_SYNC_META = 'y-sync$';

export function isRemoteChange(tr: Transaction): boolean {
  return (tr.getMeta(Y_SYNC_META) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true;
}

/**
 * prosemirror-tables repairs a ragged table (rows of different widths) after every transaction
 * that touched it, remote ones included. Two people adding rows and columns at once merge into a
 * ragged table, and *every* client then repairs it at the same moment, each adding the missing
 * cells: the repairs merge too, the table is ragged again the other way, and it grows columns
 * without end. So remote changes are never repaired here; the editor has one elected client do
 * it (client/src/editor/content/tableRepair.ts), and local edits are repaired as before.
 */
const LocalTableFixes = Table.extend({
  addProseMirrorPlugins() {
    return (this.parent?.() ?? []).map((plugin) => {
      const spec = plugin.spec;
      const append = spec.appendTransaction;
      if (spec.key !== tableEditingKey || !append) return plugin;
      return new Plugin({
        ...spec,
        appendTransaction: (trs, oldState, state) => (trs.some(isRemoteChange) ? null : append.call(plugin, trs, oldState, state)),
      });
    });
  },
});

/** The part of an element this package touches (no DOM types here: the server imports it too). */
interface HTMLElementLike {
  style: { width: string; height: string };
}
/**
 * Tiptap's Color renders `style="color: <attribute>"` as it stands: a writer (or an imported Yjs
 * update) could put any CSS there. Here a value that is not a colour is dropped when it is parsed
 * and when it is rendered, in the editor and in the server's conversions alike.
 */
const CheckedColor = Color.extend({
  addGlobalAttributes() {
    return [
      {
        types: this.options.types,
        attributes: {
          color: {
            default: null,
            // As Tiptap's own: the raw inline style first, to keep `#rrggbb` as written.
            parseHTML: (element) => safeColor((getStyleProperty(element, 'color') ?? element.style.color)?.replace(/['"]+/g, '')) ?? null,
            renderHTML: (attributes: Record<string, unknown>) => {
              const color = safeColor(attributes.color);
              return color ? { style: `color: ${color}` } : {};
            },
          },
        },
      },
    ];
  },
});

export interface TandemSchemaOptions {
  /**
   * How an image's stored `src` is written in the editor's HTML (the editor adds the server's
   * origin, never a credential). Default: as stored.
   */
  imageSrc?: (src: string) => string;
  /**
   * In the editor, with a credential: what an image of the server's `/files/` is shown through
   * (a `blob:` URL of its bytes, fetched with the credential in a header).
   */
  loadImage?: ((src: string) => Promise<string>) | undefined;
}

/** The extensions that define what a Tandem document holds. */
export function tandemExtensions(options: TandemSchemaOptions = {}): AnyExtension[] {
  const display = options.imageSrc ?? ((src: string) => src);
  return [
    StarterKit.configure({
      undoRedo: false, // Collaboration brings its own undo that only reverts *our* changes
      // Every client would append its own trailing paragraph to the shared document, and
      // concurrent ones pile up as empty paragraphs.
      trailingNode: false,
      link: false, // below
    }),
    // A click edits (the editor shows the link's bubble); Ctrl+click opens, in the editor. Not
    // inclusive (Link is when autolink is on): text typed after a link is not part of it.
    Link.extend({ inclusive: () => false }).configure({
      openOnClick: false,
      autolink: true,
      defaultProtocol: 'https',
      HTMLAttributes: { target: '_blank', rel: 'noopener noreferrer nofollow' },
    }),
    TextAlign.configure({ types: ['heading', 'paragraph'], alignments: ['left', 'center', 'right', 'justify'] }),
    Indent,
    // Column widths are per viewer: resizing would write widths into the shared document on
    // every drag, fighting between peers.
    LocalTableFixes.configure({ resizable: false, allowTableNodeSelection: true }),
    TableRow,
    TableHeader,
    TableCell,
    TaskList,
    TaskItem.configure({ nested: true }),
    Highlight,
    CommentMark,
    ...suggestionExtensions,
    TextStyle,
    CheckedColor,
    Image.extend({
      addAttributes() {
        return {
          ...this.parent?.(),
          src: {
            default: null,
            // No DOM types here (the server imports this too): the element is what the parser hands us.
            parseHTML: (element: { getAttribute(name: string): string | null }) => storedImageSrc(element.getAttribute('src')),
            // On the attribute, not the node: the resizable node view renders attributes only.
            renderHTML: (attrs: Record<string, unknown>) => ({ src: typeof attrs.src === 'string' ? display(attrs.src) : attrs.src }),
          },
        };
      },
      // Tiptap's resizable view ignores width/height in update(): a peer's resize would show only
      // after a reload. Applied here, unless this view is being resized by its own person.
      addNodeView() {
        const make = this.parent?.();
        if (!make) return null;
        const load = options.loadImage;
        return (props) => {
          const view = make(props) as ReturnType<typeof make> & { element?: HTMLElementLike; isResizing?: boolean };
          if (load) showLoaded(view.dom as unknown as ImgLike, load);
          const update = view.update?.bind(view);
          view.update = (node, ...rest) => {
            const kept = update ? update(node, ...rest) : false;
            // The view writes a changed src (an image copied into this document) as a plain address.
            if (kept && load) showLoaded(view.dom as unknown as ImgLike, load);
            if (kept && view.element && !view.isResizing) {
              const { width, height } = node.attrs as { width: unknown; height: unknown };
              view.element.style.width = typeof width === 'number' ? `${width}px` : '';
              view.element.style.height = typeof height === 'number' ? `${height}px` : '';
            }
            return kept;
          };
          return view;
        };
      },
    }).configure({
      inline: false,
      allowBase64: false, // never a data URL in the document
      // Handles in the editor (a node view: only where there is a DOM); the size is stored as width/height.
      resize: { enabled: true, directions: ['top-left', 'top-right', 'bottom-left', 'bottom-right'], minWidth: 32, minHeight: 32, alwaysPreserveAspectRatio: true },
    }),
  ];
}

/** The part of an image element `showLoaded` touches (no DOM types here: the server imports this too). */
interface ImgLike {
  readonly tagName: string;
  src: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelector?(selector: string): ImgLike | null;
}

/**
 * Shows a stored image through what `load` gives for its address (a `blob:` URL of bytes fetched
 * with the viewer's credential in a header), so that no token is ever in an image's address.
 */
function showLoaded(dom: ImgLike, load: (src: string) => Promise<string>): void {
  const img = dom.tagName === 'IMG' ? dom : dom.querySelector?.('img');
  const src = img?.getAttribute('src');
  if (!img || !src || !src.includes('/files/')) return;
  img.removeAttribute('src'); // no unauthenticated request (a 401) while the bytes load
  img.setAttribute('data-loading', 'true');
  load(src).then(
    (blob) => {
      img.src = blob;
      img.removeAttribute('data-loading');
    },
    () => img.setAttribute('data-loading', 'failed'),
  );
}

/** The ProseMirror schema of those extensions. */
export function tandemSchema(): Schema {
  return getSchema(tandemExtensions());
}
