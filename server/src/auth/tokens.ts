import { errors, jwtVerify, SignJWT } from 'jose';
import { AuthError } from '../errors.js';
import { isMode, type Access, type Mode } from './access.js';

export type { Mode };

export interface TokenClaims {
  doc: string;
  mode: Mode;
  name?: string;
  /** A stable user id (never in a share token). */
  sub?: string;
  /** A share link's id (its token never carries a `name`). */
  share?: string;
  /** "exact": `doc` is a name, never a prefix, even when it ends in `*` (share links). */
  match?: 'exact';
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Whether a token's `doc` claim (a name, or a prefix ending in `*`) covers document `name`. */
export function docMatches(claim: string, name: string): boolean {
  return claim.endsWith('*') ? name.startsWith(claim.slice(0, -1)) : claim === name;
}

/** A valid token's claims, whatever document it is for (the document list filters by `doc`). */
export interface VerifiedClaims extends Access {
  readonly doc: string;
  /** "exact" (share links): `doc` is a name even when it ends in `*`. */
  readonly match?: 'exact';
}

/** Whether verified claims cover document `name` (an exact name, or a `doc` name or prefix). */
export function claimsCover(claims: Pick<VerifiedClaims, 'doc' | 'match'>, name: string): boolean {
  return claims.match === 'exact' ? claims.doc === name : docMatches(claims.doc, name);
}

/**
 * Checks a token for document `name`: 401 when missing, malformed, badly signed or expired,
 * 403 when valid but for another document. Never echoes the token.
 */
export async function verifyToken(secret: string, token: string | undefined, name: string): Promise<Access> {
  const { doc, match, ...access } = await verifyClaims(secret, token);
  if (!claimsCover({ doc, match }, name)) throw new AuthError('token is for another document', 403);
  return access;
}

/** Checks a token's signature, expiry and claims (401 when any is wrong), for no document in particular. */
export async function verifyClaims(secret: string, token: string | undefined): Promise<VerifiedClaims> {
  if (!token) throw new AuthError('a token is required', 401);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], requiredClaims: ['exp'] }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new AuthError('token expired', 401);
    throw new AuthError('invalid token', 401);
  }
  const { doc, mode, name: userName, sub, exp, share, match } = payload;
  if (typeof doc !== 'string' || doc === '' || typeof exp !== 'number') throw new AuthError('invalid token claims', 401);
  if (!isMode(mode)) throw new AuthError('invalid token claims: mode must be read, comment or write', 401);
  if (userName !== undefined && typeof userName !== 'string') throw new AuthError('invalid token claims', 401);
  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) throw new AuthError('invalid token claims', 401);
  if ((share !== undefined && typeof share !== 'string') || (match !== undefined && match !== 'exact')) throw new AuthError('invalid token claims', 401);
  return { doc, ...(match === 'exact' ? { match } : {}), mode, userName, sub, share, expiresAtMs: exp * 1000 };
}

/** Mints a token (operators' CLI, tests, and an app backend's example). */
export async function mintToken(secret: string, claims: TokenClaims, ttlSeconds: number): Promise<string> {
  const jwt = new SignJWT({
    doc: claims.doc,
    mode: claims.mode,
    ...(claims.name !== undefined ? { name: claims.name } : {}),
    ...(claims.sub !== undefined ? { sub: claims.sub } : {}),
    ...(claims.share !== undefined ? { share: claims.share } : {}),
    ...(claims.match !== undefined ? { match: claims.match } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
  return jwt.sign(key(secret));
}
