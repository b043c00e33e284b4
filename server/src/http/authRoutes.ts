import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gate } from '../auth/gate.js';
import type { SignInConfig } from '../config.js';
import { credentialOf } from './credential.js';
import { refusalOf } from './refusals.js';
import { sendJson } from './api/context.js';
import { signSessionId, sessionCookie } from '../signin/cookie.js';
import { CALLBACK_PATH, safeNext, type OidcLogin } from '../signin/OidcLogin.js';
import type { SessionService } from '../signin/SessionService.js';

export interface AuthRouteDeps {
  config: SignInConfig;
  secret: string;
  login: OidcLogin;
  sessions: SessionService;
  gate: Gate;
}

/** Whether `path` is one of sign-in's own pages (`/auth/…`). */
export function isAuthPath(path: string): boolean {
  return path === '/auth/login' || path === CALLBACK_PATH || path === '/auth/logout';
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', ...headers }).end();
}

/**
 * Sign-in's pages (DESIGN.md, "Sign-in (optional)"): `GET /auth/login?next=` → the provider;
 * `GET /auth/callback` → a fresh session and its cookie, then `next`; `POST /auth/logout` → 204,
 * the session ended everywhere (its sockets are closed with 4401 by whoever watches sessions).
 */
export function createAuthRoutes(deps: AuthRouteDeps) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    try {
      if (path === '/auth/logout') {
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST' }).end();
          return;
        }
        // The cookie counts only from this site: a cross-site logout is refused (403) here.
        const { session } = credentialOf(req, query, deps.gate.cookies);
        if (session !== undefined) await deps.sessions.end(session);
        res.writeHead(204, { 'cache-control': 'no-store', 'set-cookie': sessionCookie('', 0, deps.config.secureCookie) }).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/auth/login') {
        redirect(res, (await deps.login.start(safeNext(query.get('next')))).href);
        return;
      }
      const { user, next } = await deps.login.finish(query);
      const session = await deps.sessions.start(user);
      redirect(res, next, { 'set-cookie': sessionCookie(signSessionId(deps.secret, session.id), deps.config.sessionTtlMs, deps.config.secureCookie) });
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      sendJson(res, refusal.status, { error: refusal.error, reason: refusal.reason });
    }
  };
}
