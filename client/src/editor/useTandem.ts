import { Editor, type AnyExtension } from '@tiptap/core';
import { FRAGMENT, tandemExtensions } from '@tandem/schema';
// For the types only: StarterKit's commands (toggleBold…) extend Tiptap's command types.
import type {} from '@tiptap/starter-kit';
// Likewise for the schema's other extensions (tables, task lists, highlight, colour, images).
import type {} from '@tiptap/extension-table';
import type {} from '@tiptap/extension-list';
import type {} from '@tiptap/extension-highlight';
import type {} from '@tiptap/extension-text-style';
import type {} from '@tiptap/extension-image';
import type {} from '@tiptap/extension-text-align';
import Collaboration from '@tiptap/extension-collaboration';
import { useEffect, useRef, useState } from 'react';
import { renderCaret, renderSelection } from './ui/carets';
import { NearCarets } from './ui/nearCarets';
import { DeferredScroll } from './ui/deferredScroll';
import { KeySelection } from './ui/keySelection';
import { TandemApi } from './api/TandemApi';
import { fileFetchInit, ImageBlobs, imageUrl } from './api/authorizedImages';
import { adopter, uploader } from './api/files';
import { ImageUpload } from './content/imageUpload';
import { TandemKeys } from './content/keys';
import { MarkdownPaste } from './content/markdownPaste';
import { TABLE_REPAIR_FIELD, TableRepair } from './content/tableRepair';
import { cleanPastedHtml } from './content/pasteCleanup';
import { CommentTools } from './comments/commentTools';
import { newUndoStep, SuggestChanges } from './suggestions/SuggestChanges';
import { modesFor } from './suggestions/ModeSwitch';
import { FindReplace } from './find/findReplace';
import { useCollaboration, type CollaborationSession, type SavedSource } from './sync/useCollaboration';
import type { TandemHandle, TandemUser, UseTandemOptions } from './types';

/** The latest value without making it an effect dependency (hosts pass inline lambdas and arrays). */
export function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/** Where the editor reports what a person should know (an upload refused): a DOM event on its element. */
export const EDITOR_NOTICE_EVENT = 'tandem-notice';

interface Place {
  url: string;
  document: string;
  token: string | undefined;
}

function createEditor(session: CollaborationSession, place: Place, user: TandemUser, editable: boolean, extra: readonly AnyExtension[]): Editor {
  const { doc, provider } = session;
  // Never a token in an image's address: the clipboard and the page's HTML carry it onward (authorizedImages.ts).
  const display = imageUrl(place.url);
  const blobs = place.token ? new ImageBlobs((u) => fileFetchInit(place.url, place.token, u)) : undefined;
  const docApi = TandemApi.forServer(place.url, place.token).doc(place.document);
  const editor: Editor = new Editor({
    extensions: [
      // The document schema is shared with the server's conversions (schema/).
      ...tandemExtensions({ imageSrc: display, loadImage: blobs ? (src) => blobs.load(src) : undefined }),
      TableRepair.configure({ awareness: provider.awareness }),
      TandemKeys,
      MarkdownPaste,
      CommentTools,
      SuggestChanges,
      FindReplace,
      ImageUpload.configure({
        upload: uploader(docApi),
        document: place.document,
        adopt: adopter(docApi, (from) => fileFetchInit(place.url, place.token, from)),
        display,
        onError: (message) => {
          if (!editor.isDestroyed) editor.view.dom.dispatchEvent(new CustomEvent(EDITOR_NOTICE_EVENT, { detail: message, bubbles: true }));
        },
      }),
      Collaboration.configure({ fragment: doc.getXmlFragment(FRAGMENT) }),
      NearCarets.configure({ provider, user: { ...user }, render: renderCaret, selectionRender: renderSelection }),
      DeferredScroll,
      KeySelection,
      ...extra,
    ],
    editable,
    // Tiptap would add its base styles to document.head: a style leak into the host page, and
    // useless inside /embed.js's shadow root. tandem-editor.css carries them, scoped.
    injectCSS: false,
    editorProps: {
      attributes: { class: 'tandem-document', 'aria-label': 'Document', 'aria-multiline': 'true', role: 'textbox' },
      transformPastedHTML: cleanPastedHtml,
    },
  });
  // The images' blob: URLs live as long as the editor (a plugin view would be destroyed and made
  // again whenever an extension registers a plugin, revoking images still on screen).
  if (blobs) editor.on('destroy', () => blobs.destroy());
  return editor;
}

/**
 * One document, live: the Y.Doc, its provider (and awareness) and IndexedDB copy from
 * useCollaboration, plus a Tiptap editor bound to it. Everything is destroyed on unmount or when
 * `url`, `document` or `token` change. `TandemEditor` is this hook plus a toolbar, avatars, the
 * status and the page; hosts that want their own UI use the hook directly.
 */
export function useTandem(options: UseTandemOptions): TandemHandle {
  return useTandemSession(options, true);
}

/**
 * useTandem, and the session's `saved` to follow outside React. With `savedInState` false the
 * handle's `saved` is not kept current (TandemEditor's status follows `savedSource` instead, so
 * that a keystroke commits nothing in React: useCollaboration says why).
 */
export function useTandemSession(options: UseTandemOptions, savedInState: boolean): TandemHandle & { savedSource: SavedSource | null } {
  const { url, document, user, token, editable = true, extensions, onStatus, mode: asked } = options;
  const { session, status, saved, access, discardUnsent } = useCollaboration(url, document, token, savedInState);
  const onStatusRef = useLatest(onStatus);
  useEffect(() => {
    // Braces: a host's callback may return a value, which React would take for a cleanup.
    onStatusRef.current?.(status);
  }, [status, onStatusRef]);

  const granted = access.kind === 'granted' ? access.mode : undefined;
  // A commenter types in Suggesting mode only; a reader only views (ModeSwitch.tsx).
  const modes = modesFor(granted);
  const mode = asked && modes.includes(asked) ? asked : modes[0]!;
  const blocked = access.kind !== 'unknown' && access.kind !== 'granted';
  const canEdit = editable && granted !== 'read' && !blocked && mode !== 'viewing';

  // The editor belongs to one session: created once it exists, destroyed with it. Options that
  // may change later (user, editable) are applied to the live editor below instead.
  const creation = useLatest({ place: { url, document, token }, user, canEdit, extensions: extensions ?? [] });
  const [bound, setBound] = useState<{ session: CollaborationSession; editor: Editor } | null>(null);
  useEffect(() => {
    if (!session) return;
    const { place, user: u, canEdit: e, extensions: x } = creation.current;
    const editor = createEditor(session, place, u, e, x);
    setBound({ session, editor });
    return () => editor.destroy();
  }, [session, creation]);
  // Never hand out an editor bound to the previous session (the render before the effect ran).
  const editor = bound && bound.session === session && !bound.editor.isDestroyed ? bound.editor : null;

  useEffect(() => {
    editor?.commands.updateUser({ name: user.name, color: user.color });
  }, [editor, user.name, user.color]);
  const commentOnly = granted === 'comment';
  useEffect(() => {
    if (!editor) return;
    editor.storage.commentTools.commentOnly = commentOnly;
  }, [editor, commentOnly]);
  useEffect(() => {
    if (!editor) return;
    if (editor.storage.suggestChanges.mode !== mode) newUndoStep(editor); // a suggestion never undoes with direct edits
    editor.storage.suggestChanges.mode = mode;
    editor.storage.suggestChanges.author = { name: user.name, id: user.id ?? '' };
  }, [editor, mode, user.name, user.id]);
  useEffect(() => {
    if (editor && editor.isEditable !== canEdit) editor.setEditable(canEdit, false);
    // Only a writer may be elected to repair tables (tableRepair.ts), whatever the mode (a writer
    // viewing still keeps tables whole): a commenter's editor is editable in Suggesting mode, but
    // its repair would be refused.
    const awareness = session?.provider.awareness;
    const repairs = editable && !blocked && granted !== 'read' && granted !== 'comment';
    if (editor && awareness && awareness.getLocalState()?.[TABLE_REPAIR_FIELD] !== repairs) awareness.setLocalStateField(TABLE_REPAIR_FIELD, repairs);
  }, [editor, canEdit, editable, blocked, granted, session]);

  return {
    doc: session?.doc ?? null,
    provider: session?.provider ?? null,
    awareness: session?.provider.awareness ?? null,
    editor,
    status,
    saved,
    access,
    discardUnsent,
    editable: canEdit,
    mode,
    modes,
    savedSource: session?.saved ?? null,
  };
}
