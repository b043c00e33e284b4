/** What one connection or request may do with one document, as its token (or the open server) grants. */
export type Mode = 'read' | 'write';

export interface Access {
  readonly mode: Mode;
  /** From the token: stamped into the awareness `user.name` this connection sends. */
  readonly userName?: string | undefined;
  /** A share link's id: the link's record must still exist (revocation). */
  readonly share?: string | undefined;
  /** Token expiry, ms since the epoch. */
  readonly expiresAtMs?: number | undefined;
}

/** Every connection's access without AUTH_SECRET: one shared object, not one per socket. */
export const OPEN_ACCESS: Access = Object.freeze({ mode: 'write' });
