import type { IncomingMessage } from 'node:http';
import type { CookiePolicy, Credential } from '../auth/gate.js';
import { AuthError } from '../errors.js';
import { cookieValue, SESSION_COOKIE, verifySessionId } from '../signin/cookie.js';

export type { CookiePolicy };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The one reader of credentials: `Authorization: Bearer` wins over `?token=` on every surface
 * (DESIGN.md, "Contract — access"), and a token, when present, alone decides. Without one, the
 * session cookie (with sign-in) — but cookies are ambient, so it counts only when `Origin` is
 * absent on a GET/HEAD or is one of `cookies.origins`; a WebSocket upgrade (`upgrade`) or a
 * state-changing request that uses it from anywhere else is refused with 403 here, before
 * anything happens (cross-site request forgery, cross-site WebSocket hijacking).
 */
export function credentialOf(req: IncomingMessage, query: URLSearchParams, cookies?: CookiePolicy | undefined, upgrade = false): Credential {
  const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? query.get('token') ?? undefined;
  if (token !== undefined && token !== '') return { token };
  const raw = cookies && cookieValue(req, SESSION_COOKIE);
  const session = raw === undefined ? undefined : verifySessionId(cookies!.secret, raw);
  if (session === undefined) return {};
  const origin = req.headers.origin?.replace(/\/+$/, '');
  if (origin !== undefined && cookies!.origins.includes(origin)) return { session };
  const safe = !upgrade && (req.method === 'GET' || req.method === 'HEAD');
  if (safe) return origin === undefined ? { session } : {};
  throw new AuthError(origin === undefined ? 'a session cookie counts here only with this site\'s Origin' : 'cross-site request refused: the session cookie does not count from another site', 403);
}
