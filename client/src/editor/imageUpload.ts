import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';

/** What the server accepts (it decides by the bytes; this only filters the file chooser and drops). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** Uploads one file; resolves to the path the document stores (`/files/<name>/<sha256>`) or rejects with a message for people. */
export type UploadFile = (file: File) => Promise<string>;

export interface ImageUploadOptions {
  upload: UploadFile | null;
  /** Told why an upload failed, in words to show. */
  onError: (message: string) => void;
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
        if (at !== null) tr.insert(at, editor.schema.nodes.image!.create({ src, alt: file.name }));
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

function imageFiles(list: FileList | null | undefined): File[] {
  return [...(list ?? [])].filter((f) => f.type.startsWith('image/'));
}

/** Paste, drop and the toolbar's "Insert image" upload images instead of embedding data URLs. */
export const ImageUpload = Extension.create<ImageUploadOptions>({
  name: 'tandemImageUpload',
  addOptions() {
    return { upload: null, onError: () => undefined };
  },
  addProseMirrorPlugins() {
    const editor = this.editor;
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
