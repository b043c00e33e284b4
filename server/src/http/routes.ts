import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { isApiPath } from './api/router.js';
import { isAuthPath } from './authRoutes.js';
import { handleCors } from './cors.js';
import { serveEmbedPage, serveEmbedScript } from './embed.js';
import { splitTarget } from './names.js';
import { serveStatic } from './static.js';
import { htmlSecurityHeaders } from './securityHeaders.js';

export interface RouteDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  isReady: () => boolean;
  /** Everything under /api/ and /files/: the route table behind the gate (http/api/router.ts). */
  api: (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void>;
  /** With sign-in: `/auth/login`, `/auth/callback`, `/auth/logout` (signin/authRoutes.ts). */
  auth?: ((req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void>) | undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body) + '\n');
}

/**
 * Plain HTTP on the relay's port: CORS, then the API's route table (which alone reads
 * credentials), health, metrics, the embed script and page, and the client.
 */
export function createRequestHandler(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.error({ err, url: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal', reason: 'internal error' });
      else res.destroy();
    });
  };
}

async function handle(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, query } = splitTarget(req.url ?? '/');
  if (handleCors(deps.config, req, res, path)) return;
  if (isApiPath(path)) {
    await deps.api(req, res, path, query);
    return;
  }
  if (deps.auth && isAuthPath(path)) {
    await deps.auth(req, res, path, query);
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
