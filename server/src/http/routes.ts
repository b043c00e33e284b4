import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { verifyToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DocStore } from '../storage/DocStore.js';
import type { SharedFiles } from '../cluster/SharedFiles.js';
import type { FileCollector } from '../files/FileCollector.js';
import type { DocumentQuota } from '../files/DocumentQuota.js';
import { handleFiles } from './api/files.js';
import { handleShares } from './api/shares.js';
import type { Shares } from '../shares/Shares.js';
import { sendRefusal } from './api/respond.js';
import { handleCors } from './cors.js';
import { serveEmbedPage, serveEmbedScript } from './embed.js';
import { decodeName, splitTarget } from './names.js';
import { serveStatic } from './static.js';
import { htmlSecurityHeaders } from './securityHeaders.js';
import { statusFor } from './refusals.js';

export interface RouteDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  isReady: () => boolean;
  /** The REST API under /api/ (http/api/), every method. */
  api?: ((req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void>) | undefined;
  store: DocStore;
  /** With REDIS_URL: what is shared through Redis besides documents. */
  sharedFiles?: SharedFiles | undefined;
  /** With AUTH_SECRET: share links. */
  shares?: Shares | undefined;
  /** Closes the sessions of a revoked share link (the WebSocket gateway). */
  closeShareSessions: (name: string, id: string) => void;
  /** Deletes unreferenced uploads; told of each upload. */
  fileCollector?: FileCollector | undefined;
  /** The clock of upload times. */
  now: () => number;
  /** Uploads count toward MAX_DOCUMENT_BYTES. */
  quota?: DocumentQuota | undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body) + '\n');
}

/** Plain HTTP on the relay's port: health, metrics, access checks for browsers, the client. */
export function createRequestHandler(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      if (!res.headersSent && sendRefusal(res, err)) return;
      deps.logger.error({ err, url: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'Internal Server Error', reason: 'internal error' });
      else res.destroy();
    });
  };
}

async function handle(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, query } = splitTarget(req.url ?? '/');
  if (handleCors(deps.config, req, res, path)) return;
  // Uploaded files and share links answer their own paths (http/api/files.ts, shares.ts); the
  // rest of /api/ is the route table (http/api/router.ts).
  if (await handleFiles({ config: deps.config, logger: deps.logger, store: deps.store, shared: deps.sharedFiles, shares: deps.shares, collector: deps.fileCollector, now: deps.now, quota: deps.quota }, req, res, path, query)) return;
  if (await handleShares({ config: deps.config, shares: deps.shares, closeSessions: deps.closeShareSessions }, req, res, path, query)) return;
  if (path.startsWith('/api/') && !path.startsWith('/api/access/') && deps.api) {
    await deps.api(req, res, path, query);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/healthz') {
    const ok = deps.isReady();
    json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'starting' });
    return;
  }
  if (path === '/metrics') {
    const text = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text);
    return;
  }
  if (path.startsWith('/api/access/')) {
    await access(deps, req, res, path.slice('/api/access/'.length), query);
    return;
  }
  if (path.startsWith('/api/')) {
    json(res, 404, { error: 'Not Found', reason: 'no such endpoint' });
    return;
  }
  if (path === '/embed.js') {
    serveEmbedScript(deps.config, req, res);
    return;
  }
  if (path.startsWith('/embed/')) {
    serveEmbedPage(deps.config, path.slice('/embed/'.length), req, res);
    return;
  }
  serveStatic(deps.config.clientDir, path, req, res, htmlSecurityHeaders(deps.config, 'app'));
}

/** What a browser cannot learn from a failed socket: may this token open this document? */
async function access(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, encoded: string, query: URLSearchParams): Promise<void> {
  try {
    const name = decodeName(encoded);
    if (!deps.config.authSecret) {
      json(res, 200, { mode: 'write' });
      return;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = query.get('token') ?? bearer ?? undefined;
    const access = await verifyToken(deps.config.authSecret, token, name);
    await deps.shares?.check(name, access);
    json(res, 200, { mode: access.mode });
  } catch (err) {
    const refusal = statusFor(err);
    if (!refusal) throw err;
    json(res, refusal.status, { error: STATUS_CODES[refusal.status] ?? 'Error', reason: refusal.reason });
  }
}
