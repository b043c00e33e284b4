import { CloseCode, TERMINAL_CLOSE_CODES as TERMINAL } from './closeCodes.generated';

export { CloseCode };

/**
 * Close codes after which reconnecting cannot help (see DESIGN.md, "close codes"), by name: the
 * server refused what we sent, or our credentials. Everything else (1001 shutdown, 1006
 * network, 1011, 1013 back-off) is transient and y-websocket reconnects with exponential backoff.
 * The values come from the relay's own table.
 */
export const TERMINAL_CLOSE_CODES = {
  /** unknown message type or text frame */
  unsupported: CloseCode.UnsupportedData,
  /** undecodable message or update */
  invalidPayload: CloseCode.InvalidPayload,
  /** policy: a change we may not make (the editor offers to discard it), origin */
  policy: CloseCode.PolicyViolation,
  /** frame over the server's size limit */
  tooBig: CloseCode.MessageTooBig,
  /** token expired during the session */
  tokenExpired: CloseCode.TokenExpired,
  /** the document was deleted */
  deleted: CloseCode.DocumentDeleted,
} as const;

export function shouldReconnect(event: { code: number }): boolean {
  // 4403: our access changed; reconnect at once with what it now grants.
  if (event.code === CloseCode.AccessChanged) return true;
  // Otherwise 44xx mirrors HTTP 4xx: a decision of the server that retrying cannot fix.
  return !TERMINAL.has(event.code) && !(event.code >= 4400 && event.code < 4500);
}
