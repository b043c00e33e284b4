import type { AnyExtension, Editor } from '@tiptap/core';
import type { ReactNode } from 'react';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import type { EditorMode } from './suggestions/SuggestChanges';

export type { EditorMode };

/** What the status element says (`data-status`). */
export type TandemStatus = 'connecting' | 'connected' | 'offline';

/**
 * `data-saved`: "saved" once the server's disk holds every edit in this document (its
 * acknowledgements, message type 100), "saving" while connected with some edit not yet durable,
 * "local" while disconnected with edits only on this device.
 */
export type TandemSaved = 'saving' | 'saved' | 'local';

/** Who is typing: shown on carets and avatars, sent to peers through awareness. */
export interface TandemUser {
  name: string;
  /**
   * The person's identity as the server knows it (a token's `sub`, `oidc:<sub>`), when there is
   * one: their comments then carry it and say "verified" (the server checks it against the
   * connection and refuses anything else). Without it comments carry only the typed name.
   */
  id?: string | undefined;
  /** Any CSS colour; `#rrggbb` recommended (carets tint selections with it). */
  color: string;
}

/** What the server told us about our rights on this document. */
export type TandemAccess =
  | { kind: 'unknown' }
  /** `comment`: the text changes only through suggestions (suggestions/); comments can be written (comments/). */
  | { kind: 'granted'; mode: 'read' | 'comment' | 'write' }
  | { kind: 'denied'; reason: string }
  | { kind: 'expired'; reason: string }
  | { kind: 'refused'; code: number; reason: string }
  /** The document was deleted on the server (close code 4404); the offline copy is dropped. */
  | { kind: 'deleted'; reason: string }
  /** 4413: the document reached the server's size limit; our unsent edit would be refused again. */
  | { kind: 'tooLarge'; reason: string }
  /** 1008: the server refused a change of ours it does not allow us (it would be refused again). */
  | { kind: 'forbiddenWrite'; reason: string };

/** What `useTandem` needs: one document on one server, as one person. */
export interface UseTandemOptions {
  /** WebSocket base URL of the Tandem server, e.g. `wss://docs.example.com`. */
  url: string;
  /** Document name (any string; it is URL-encoded on the wire). */
  document: string;
  user: TandemUser;
  /** Access token (JWT) when the server runs with `AUTH_SECRET`. */
  token?: string | undefined;
  /** Defaults to true; a read-only token makes the editor read-only regardless. */
  editable?: boolean | undefined;
  /**
   * Tiptap extensions added after Tandem's own (StarterKit, Collaboration, CollaborationCaret).
   * Read when the editor is created, i.e. once per document: pass a stable array.
   */
  extensions?: readonly AnyExtension[] | undefined;
  onStatus?: ((status: TandemStatus) => void) | undefined;
  /**
   * Editing, Suggesting (edits become suggestions) or Viewing; a mode the access does not allow
   * gives way to its default (`comment`: Suggesting, `read`: Viewing). Default: Editing.
   */
  mode?: EditorMode | undefined;
}

/** Everything a host needs to build its own UI around the document. */
export interface TandemHandle {
  /** null until the session exists (the first render, and the render after url/document/token change). */
  doc: Y.Doc | null;
  provider: WebsocketProvider | null;
  awareness: Awareness | null;
  /** The Tiptap editor, bound to `doc`; null until it exists. */
  editor: Editor | null;
  status: TandemStatus;
  saved: TandemSaved;
  access: TandemAccess;
  /**
   * After a 4413 or 1008 (`access.kind` `tooLarge` or `forbiddenWrite`): delete this document's
   * offline copy (the edits the server refused) and open it again from the server.
   */
  discardUnsent: () => void;
  /** `editable` as asked, and as the server allows (a read token, a refused session, Viewing). */
  editable: boolean;
  /** The mode in effect, and the modes this access allows (the default first). */
  mode: EditorMode;
  modes: readonly EditorMode[];
}

/** A replacement toolbar: rendered in the bar in place of Tandem's, once the editor exists. */
export type TandemToolbarRender = (context: { editor: Editor; editable: boolean }) => ReactNode;

export interface TandemEditorProps extends UseTandemOptions {
  /** Called with the document's title (the root Y.Text `title`; '' until someone sets it). */
  onTitleChange?: ((title: string) => void) | undefined;
  /**
   * Called with the Y.Doc once it exists (null after it is gone) and whether this person may edit
   * it: a host binds its own controls to the document this way (the app's title field).
   */
  onDocument?: ((doc: Y.Doc | null, editable: boolean) => void) | undefined;
  /** `false` hides the toolbar; a function renders your own in its place. Default: Tandem's. */
  toolbar?: boolean | TandemToolbarRender | undefined;
  className?: string | undefined;
  /** Put the caret in the document once it opens (the app does; an embedding page may not want its focus taken). */
  autofocus?: boolean | undefined;
}
