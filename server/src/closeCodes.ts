/**
 * Every WebSocket close code the relay uses, in one table (DESIGN.md, "close codes").
 * y-websocket clients reconnect on any close; the editor refuses to for the "no" rows.
 */
export const CloseCode = {
  /** Server shutting down; reconnect. */
  GoingAway: 1001,
  /** Unknown message type or a text frame; do not reconnect. */
  UnsupportedData: 1003,
  /** Undecodable message or update; do not reconnect. */
  InvalidPayload: 1007,
  /** Policy: forbidden write or origin; do not reconnect. */
  PolicyViolation: 1008,
  /** Frame over MAX_MESSAGE_BYTES; do not reconnect. */
  MessageTooBig: 1009,
  /** Internal error; reconnect. */
  InternalError: 1011,
  /** Output cap or rate limit exceeded; reconnect with backoff. */
  TryAgainLater: 1013,
  /** Token expired during the session; reconnect after getting a new token. */
  TokenExpired: 4401,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
