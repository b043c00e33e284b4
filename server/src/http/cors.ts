import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';

/**
 * The one CORS policy of the HTTP API contract. `ALLOWED_ORIGINS` unset: any origin (the server
 * is open anyway, and embedding pages live on origins we cannot know). Set: only those origins.
 * It governs `/api/*`, `/files/*`, `/embed.js` (a cross-origin `import` is a CORS fetch) and,
 * through `isOriginAllowed` in requests.ts, the WebSocket upgrade.
 *
 * Credentials are tokens in `?token=` or `Authorization`, never cookies, so no
 * `Access-Control-Allow-Credentials`: a wildcard is safe when every origin is allowed.
 */

/** Paths whose responses carry CORS headers and whose preflights are answered. */
export function isCorsPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/files/') || path === '/embed.js';
}

/** A request without `Origin` is not from a browser page: Origin is a browser's promise, not a credential. */
export function originAllowed(config: Config, origin: string | undefined): boolean {
  if (!config.allowedOrigins || origin === undefined) return true;
  return config.allowedOrigins.includes(origin.replace(/\/+$/, ''));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type';
/** Browsers cap this (Chromium: 2 h); 10 min keeps a changed policy from lingering long. */
const PREFLIGHT_MAX_AGE_S = 600;

function refuse(res: ServerResponse, reason: string): void {
  res
    .writeHead(403, { 'content-type': 'application/json', 'cache-control': 'no-store', vary: 'Origin' })
    .end(JSON.stringify({ error: 'forbidden', reason }) + '\n');
}

/**
 * Adds the CORS headers of `path` to `res` and answers what CORS alone decides: a preflight
 * (204, or 403 for an origin not allowed) and a state-changing request from an origin not
 * allowed (403, before any handler runs). Returns true when the request has been answered.
 * A GET from an origin not allowed goes on without `Access-Control-Allow-Origin`, so the
 * browser withholds the answer from that page; other clients are unaffected.
 */
export function handleCors(config: Config, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (!isCorsPath(path)) return false;
  const origin = req.headers.origin;
  const method = req.method ?? 'GET';
  const allowed = originAllowed(config, origin);
  if (config.allowedOrigins) res.setHeader('vary', 'Origin'); // the answer depends on who asks
  if (allowed && origin !== undefined) {
    res.setHeader('access-control-allow-origin', config.allowedOrigins ? origin : '*');
    res.setHeader('access-control-expose-headers', 'ETag, Content-Length, Content-Disposition');
  }
  const preflight = method === 'OPTIONS';
  if (!allowed && (preflight || !SAFE_METHODS.has(method))) {
    refuse(res, 'origin not allowed');
    return true;
  }
  if (preflight) {
    res
      .writeHead(204, {
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
        allow: `${ALLOW_METHODS}, OPTIONS`,
      })
      .end();
    return true;
  }
  return false;
}
