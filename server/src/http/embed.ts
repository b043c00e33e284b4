import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { decodeName } from './names.js';
import { refusalOf } from './refusals.js';
import { htmlSecurityHeaders } from './securityHeaders.js';

/**
 * The two embedding entry points the server serves beside the app (both built by the client
 * workspace into client/dist): `/embed.js`, one ES module that pages on any origin import, and
 * `/embed/<name>`, a page that is only the editor, for hosts that only take iframes.
 */

/**
 * `/embed.js` keeps its URL across releases (pages hard-code it), so it cannot be cached
 * "immutable" like the hashed assets. Five minutes of freshness, then a cheap revalidation by
 * ETag (304): a release reaches every embedding page within minutes, and a page load costs no
 * round trip in between. Stale copies may be used for a day while revalidating in the
 * background, so a slow server never delays an embedding page's editor.
 */
export const EMBED_JS_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

interface Cached {
  mtimeMs: number;
  size: number;
  etag: string;
}
const etags = new Map<string, Cached>();

/** A strong ETag from the content, recomputed only when the file changes (a rebuild). */
function etagOf(file: string, mtimeMs: number, size: number): string {
  const hit = etags.get(file);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.etag;
  const etag = `"${createHash('sha256').update(readFileSync(file)).digest('base64url').slice(0, 27)}"`;
  etags.set(file, { mtimeMs, size, etag });
  return etag;
}

function notBuilt(res: ServerResponse, what: string): void {
  res
    .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(`${what} has not been built: run npm run build (or npm start, which builds what is missing)\n`);
}

export function serveEmbedScript(config: Config, req: IncomingMessage, res: ServerResponse): void {
  const file = join(config.clientDir, 'embed.js');
  if (!existsSync(file)) {
    notBuilt(res, '/embed.js');
    return;
  }
  const { mtimeMs, size } = statSync(file);
  const etag = etagOf(file, mtimeMs, size);
  const headers = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': EMBED_JS_CACHE,
    etag,
    'x-content-type-options': 'nosniff',
  };
  const match = req.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
}

/**
 * `/embed/<name>`: the same static page for every name (it reads its name, `?token=`, `?name=`
 * and `?readonly=1` from its own URL and mounts the editor with /embed.js). Framing is what this
 * page is for: any page may frame it, or with ALLOWED_ORIGINS only those origins (the same one
 * policy as CORS).
 */
export function serveEmbedPage(config: Config, encoded: string, req: IncomingMessage, res: ServerResponse): void {
  try {
    decodeName(encoded);
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    res.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${refusal.reason}\n`);
    return;
  }
  const file = join(config.clientDir, 'embed.html');
  if (!existsSync(file)) {
    notBuilt(res, 'The embed page');
    return;
  }
  const body = readFileSync(file);
  res.writeHead(200, {
    ...htmlSecurityHeaders(config, 'embed'),
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
