/**
 * What one connection or request may do with one document (DESIGN.md, "Contract — access"):
 * `read` < `comment` < `write`, each including the one before.
 */
export const MODES = ['read', 'comment', 'write'] as const;
export type Mode = (typeof MODES)[number];

const RANK: Record<Mode, number> = { read: 0, comment: 1, write: 2 };

export function isMode(x: unknown): x is Mode {
  return typeof x === 'string' && Object.hasOwn(RANK, x);
}

/** Whether `have` includes `need` (a write grant may comment and read). */
export function modeCovers(have: Mode, need: Mode): boolean {
  return RANK[have] >= RANK[need];
}

/** The lower of two modes: a share link never grants more than its creator holds. */
export function lowerMode(a: Mode, b: Mode): Mode {
  return RANK[a] <= RANK[b] ? a : b;
}

export interface Access {
  readonly mode: Mode;
  /** From the token: stamped into the awareness `user.name` this connection sends. */
  readonly userName?: string | undefined;
  /** The token's `sub`: a stable user id (the identity of comments, suggestions, versions). */
  readonly sub?: string | undefined;
  /** A share link's id: the link's record must still exist (revocation). */
  readonly share?: string | undefined;
  /** A signed-in session's id: its end, or a change of the person's role, closes the connection. */
  readonly session?: string | undefined;
  /** Token (or session) expiry, ms since the epoch. */
  readonly expiresAtMs?: number | undefined;
}

/** Every connection's access without AUTH_SECRET: one shared object, not one per socket. */
export const OPEN_ACCESS: Access = Object.freeze({ mode: 'write' });
