import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import type { Node as PMNode, Slice } from '@tiptap/pm/model';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { FILES_PREFIX, fileOwner, storedImageSrc } from '@tandem/schema';
import { copyExternalImage, isExternalImage, keepImageAsLink } from './externalImages';

/** Uploads one file; resolves to the path the document stores (`/files/<name>/<sha256>`) or rejects with a message for people. */
export type UploadFile = (file: File) => Promise<string>;

/** Copies an image of another document (fetched from the given address) into this one; resolves to its path here. */
export type AdoptImage = (from: string) => Promise<string>;

export interface ImageUploadOptions {
  upload: UploadFile | null;
  /** Told why an upload failed, in words to show. */
  onError: (message: string) => void;
  /** The document edited here: a pasted image stored under another one is copied into it. */
  document: string | null;
  adopt: AdoptImage | null;
  /** Where a stored `src` is fetched from when the pasted HTML did not say. */
  display: (src: string) => string;
}

type Meta = { add: { id: number; pos: number } } | { remove: number };
const key = new PluginKey<DecorationSet>('tandemImageUpload');
let nextId = 1;

/** Where the placeholder of upload `id` is now (the document may have changed meanwhile), or null. */
function placeholderPos(state: EditorState, id: number): number | null {
  const found = key.getState(state)?.find(undefined, undefined, (spec) => spec.uploadId === id);
  return found && found.length > 0 ? found[0]!.from : null;
}

function placeholderWidget(): HTMLElement {
  const el = document.createElement('span');
  el.className = 'tandem-upload-placeholder';
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', 'Uploading image');
  el.textContent = 'Uploading image…';
  return el;
}

/**
 * In an empty paragraph (the line Enter just made) the image goes before it, which stays below as
 * the line to go on typing in; inserting into it would split it and leave an empty line above.
 */
function insertImageAt(tr: Transaction, at: number, image: PMNode): void {
  const $at = tr.doc.resolve(at);
  if ($at.depth > 0 && $at.parent.type.name === 'paragraph' && $at.parent.content.size === 0) tr.insert($at.before(), image);
  else tr.insert(at, image);
}

/**
 * Uploads `files` and inserts each as an image at `pos` once the server has it. Meanwhile a
 * placeholder (a decoration: local to this editor, never in the shared document) holds its
 * place; a failed upload only removes the placeholder and reports why.
 */
export function insertImageFiles(editor: Editor, files: readonly File[], pos: number): void {
  const options = (editor.extensionManager.extensions.find((e) => e.name === 'tandemImageUpload')?.options ?? null) as ImageUploadOptions | null;
  if (!options?.upload || files.length === 0) return;
  for (const file of files) {
    const id = nextId++;
    const view = editor.view;
    view.dispatch(view.state.tr.setMeta(key, { add: { id, pos } } satisfies Meta));
    options.upload(file).then(
      (src) => {
        if (editor.isDestroyed) return;
        const at = placeholderPos(editor.state, id);
        const tr = editor.state.tr.setMeta(key, { remove: id } satisfies Meta);
        if (at !== null) insertImageAt(tr, at, editor.schema.nodes.image!.create({ src, alt: file.name }));
        editor.view.dispatch(tr);
      },
      (err: unknown) => {
        if (editor.isDestroyed) return;
        editor.view.dispatch(editor.state.tr.setMeta(key, { remove: id } satisfies Meta));
        options.onError(err instanceof Error ? err.message : String(err));
      },
    );
  }
}

/**
 * Every `<img src>` of pasted HTML, by the path the document will store (the editor shows our own
 * images at their address on the server, which the stored path drops; never with a token).
 */
function imageSources(html: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!html.includes(FILES_PREFIX)) return out; // nothing of ours: no second parse of the paste
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const img of doc.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src')!;
    const stored = storedImageSrc(src);
    if (stored && stored !== src) out.set(stored, src);
  }
  return out;
}

/** Points every image showing `src` at `copy` (the paste's own step: no undo step of its own). */
function replaceSrc(editor: Editor, src: string, copy: string): void {
  if (editor.isDestroyed) return;
  const tr = editor.state.tr;
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === 'image' && node.attrs.src === src) tr.setNodeMarkup(pos, undefined, { ...node.attrs, src: copy });
  });
  if (tr.docChanged) editor.view.dispatch(tr.setMeta('addToHistory', false));
}

/**
 * Pasted images that the document does not hold are copied into it, then every image showing
 * them is pointed at the copy: those stored under another document (copied from it in Tandem),
 * and those of other sites, which would break when that site changes. Until then they show from
 * where they were. An image of another document that cannot be copied is reported; one of
 * another site becomes a link to it, and the person is told.
 */
function adoptForeignImages(editor: Editor, options: ImageUploadOptions, slice: Slice, sources: ReadonlyMap<string, string>): void {
  const { adopt, document, upload } = options;
  if (!adopt || !upload || document === null) return;
  const foreign = new Map<string, string>();
  const external = new Set<string>();
  slice.content.descendants((node) => {
    const src = node.type.name === 'image' ? (node.attrs.src as unknown) : undefined;
    if (typeof src !== 'string') return;
    const owner = fileOwner(src);
    if (owner !== undefined && owner !== document) foreign.set(src, sources.get(src) ?? options.display(src));
    else if (owner === undefined && isExternalImage(src)) external.add(src);
  });
  const report = (err: unknown) => {
    if (!editor.isDestroyed) options.onError(err instanceof Error ? err.message : String(err));
  };
  for (const [src, from] of foreign) adopt(from).then((copy) => replaceSrc(editor, src, copy), report);
  for (const src of external) {
    copyExternalImage(src, upload).then(
      (copy) => replaceSrc(editor, src, copy),
      (err: unknown) => {
        if (editor.isDestroyed) return;
        keepImageAsLink(editor, src);
        report(new Error(`A pasted image could not be copied into the document (${err instanceof Error ? err.message : String(err)}): it is kept as a link.`));
      },
    );
  }
}

function imageFiles(list: FileList | null | undefined): File[] {
  return [...(list ?? [])].filter((f) => f.type.startsWith('image/'));
}

/** Paste, drop and the toolbar's "Insert image" upload images instead of embedding data URLs. */
export const ImageUpload = Extension.create<ImageUploadOptions>({
  name: 'tandemImageUpload',
  addOptions() {
    return { upload: null, onError: () => undefined, document: null, adopt: null, display: (src: string) => src };
  },
  addProseMirrorPlugins() {
    const editor = this.editor;
    const options = this.options;
    // Read from the HTML of the paste being parsed, for transformPasted just after.
    let pastedSources: Map<string, string> = new Map();
    return [
      new Plugin<DecorationSet>({
        key,
        state: {
          init: () => DecorationSet.empty,
          apply(tr: Transaction, set: DecorationSet) {
            let next = set.map(tr.mapping, tr.doc);
            const meta = tr.getMeta(key) as Meta | undefined;
            if (meta && 'add' in meta) {
              const pos = Math.min(meta.add.pos, tr.doc.content.size);
              next = next.add(tr.doc, [Decoration.widget(pos, placeholderWidget, { uploadId: meta.add.id, side: -1 })]);
            } else if (meta) {
              next = next.remove(next.find(undefined, undefined, (spec) => spec.uploadId === meta.remove));
            }
            return next;
          },
        },
        props: {
          decorations: (state) => key.getState(state),
          transformPastedHTML: (html: string) => {
            pastedSources = imageSources(html);
            return html;
          },
          transformPasted: (slice: Slice) => {
            adoptForeignImages(editor, options, slice, pastedSources);
            pastedSources = new Map();
            return slice;
          },
          handlePaste: (view: EditorView, event: ClipboardEvent) => {
            const files = imageFiles(event.clipboardData?.files);
            if (files.length === 0) return false;
            insertImageFiles(editor, files, view.state.selection.from);
            return true;
          },
          handleDrop: (view: EditorView, event: DragEvent) => {
            const files = imageFiles(event.dataTransfer?.files);
            if (files.length === 0) return false;
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos ?? view.state.selection.from;
            insertImageFiles(editor, files, at);
            return true;
          },
        },
      }),
    ];
  },
});
