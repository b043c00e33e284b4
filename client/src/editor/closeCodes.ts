/**
 * Close codes after which reconnecting cannot help (see DESIGN.md, "close codes"): the server
 * refused what we sent, or our credentials. Everything else (1001 shutdown, 1006 network, 1011,
 * 1013 back-off) is transient and y-websocket reconnects with exponential backoff.
 */
export const TERMINAL_CLOSE_CODES = {
  /** unknown message type or text frame */
  unsupported: 1003,
  /** undecodable message or update */
  invalidPayload: 1007,
  /** policy: forbidden write, origin */
  policy: 1008,
  /** frame over the server's size limit */
  tooBig: 1009,
  /** token expired during the session */
  tokenExpired: 4401,
} as const;

const terminal = new Set<number>(Object.values(TERMINAL_CLOSE_CODES));

export function shouldReconnect(event: { code: number }): boolean {
  // 44xx mirrors HTTP 4xx: a decision of the server that retrying cannot fix.
  return !terminal.has(event.code) && !(event.code >= 4400 && event.code < 4500);
}
