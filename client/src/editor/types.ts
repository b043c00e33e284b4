/** What the status element says (`data-status`). */
export type TandemStatus = 'connecting' | 'connected' | 'offline';

/** Who is typing: shown on carets and avatars, sent to peers through awareness. */
export interface TandemUser {
  name: string;
  /** Any CSS colour; `#rrggbb` recommended (carets tint selections with it). */
  color: string;
}

/** What the server told us about our rights on this document. */
export type TandemAccess =
  | { kind: 'unknown' }
  | { kind: 'granted'; mode: 'read' | 'write' }
  | { kind: 'denied'; reason: string }
  | { kind: 'expired'; reason: string }
  | { kind: 'refused'; code: number; reason: string }
  /** The document was deleted on the server (close code 4404); the offline copy is dropped. */
  | { kind: 'deleted'; reason: string };

export interface TandemEditorProps {
  /** WebSocket base URL of the Tandem server, e.g. `wss://docs.example.com`. */
  url: string;
  /** Document name (any string; it is URL-encoded on the wire). */
  document: string;
  user: TandemUser;
  /** Access token (JWT) when the server runs with `AUTH_SECRET`. */
  token?: string | undefined;
  /** Defaults to true; a read-only token makes the editor read-only regardless. */
  editable?: boolean | undefined;
  onStatus?: ((status: TandemStatus) => void) | undefined;
  /** Called with the text of the document's first heading ('' when there is none). */
  onTitleChange?: ((title: string) => void) | undefined;
  className?: string | undefined;
}
