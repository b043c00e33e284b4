// GENERATED from server/src/closeCodes.ts by scripts/build.mjs: do not edit.
/**
 * Every WebSocket close code the relay sends, in one table (DESIGN.md, "close codes"), and the
 * ones it only observes. This file has no imports: the client's copy
 * (client/src/editor/sync/closeCodes.generated.ts) is generated from it by scripts/build.mjs, and a
 * unit test fails when the two differ.
 */
export const CloseCode = {
  /** Server shutting down; reconnect. */
  GoingAway: 1001,
  /** The peer broke the WebSocket protocol itself (ws closes with it); do not reconnect. */
  ProtocolViolation: 1002,
  /** Unknown message type or a text frame; do not reconnect. */
  UnsupportedData: 1003,
  /** Undecodable message or update; do not reconnect. */
  InvalidPayload: 1007,
  /** Policy: forbidden write (a comment connection editing), origin, or more awareness client IDs than MAX_AWARENESS_IDS; do not reconnect. */
  PolicyViolation: 1008,
  /** Frame over MAX_MESSAGE_BYTES; do not reconnect. */
  MessageTooBig: 1009,
  /** Internal error; reconnect. */
  InternalError: 1011,
  /** Output cap or rate limit exceeded, or the document's presence full (MAX_PRESENCE_BYTES); reconnect with backoff. */
  TryAgainLater: 1013,
  /** Token expired, share link revoked, session ended or access removed; reconnect after getting a new credential. */
  TokenExpired: 4401,
  /** Access changed (role or share mode); reconnect at once, after asking /api/access again. */
  AccessChanged: 4403,
  /** The document was deleted; do not reconnect (the editor says so and drops its offline copy). */
  DocumentDeleted: 4404,
  /** The update would take the document past MAX_DOCUMENT_BYTES; refused whole, do not reconnect. */
  DocumentTooLarge: 4413,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Codes that are only observed, never sent: they mean no close frame arrived. `ws` throws when
 * asked to send them, so they are kept out of the table above.
 */
export const ObservedCloseCode = {
  /** A close frame without a code. */
  NoStatus: 1005,
  /** The connection ended without a close frame (cut, or dropped for a missed pong). */
  Abnormal: 1006,
} as const;

export type ObservedCloseCode = (typeof ObservedCloseCode)[keyof typeof ObservedCloseCode];

/**
 * Codes after which a client must not reconnect on its own: the server refused what it sent or
 * its credentials (4401 needs a new token first), like HTTP's 4xx. 4403 is not among them: the
 * credential still works, for what it now grants (the client asks /api/access and reconnects).
 * Everything else (1001 shutdown, 1002, 1006 network, 1011, 1013 back-off) is transient.
 */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set<number>([
  CloseCode.UnsupportedData,
  CloseCode.InvalidPayload,
  CloseCode.PolicyViolation,
  CloseCode.MessageTooBig,
  CloseCode.TokenExpired,
  CloseCode.DocumentDeleted,
  CloseCode.DocumentTooLarge,
]);
