import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gate, Need } from '../../auth/gate.js';
import { credentialOf } from '../credential.js';
import { decodeName } from '../names.js';
import { refusalOf } from '../refusals.js';
import { ApiError, sendJson, type ApiDeps, type ApiRequest } from './context.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One row of the route table: every request under `/api/` and `/files/` is one of these, and
 * none runs its handler before the gate granted `access` (DESIGN.md, "One gate").
 */
export interface Route {
  method: Method;
  /**
   * Segments after the first `/`: literals, `:name` (the document: percent-decoded once and
   * validated) or another `:param` (raw).
   */
  path: string;
  access: Need;
  handle(r: ApiRequest): Promise<void>;
}

/** Whether the table answers `path` (everything under these prefixes, a 404 included). */
export function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/files/');
}

interface Match {
  route: Route;
  encodedName: string | undefined;
  params: Record<string, string>;
}

function match(route: Route, segments: string[]): Match | undefined {
  const parts = route.path.split('/');
  if (parts.length !== segments.length) return undefined;
  let encodedName: string | undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const seg = segments[i]!;
    if (part === ':name') encodedName = seg;
    else if (part.startsWith(':')) params[part.slice(1)] = seg;
    else if (part !== seg) return undefined;
  }
  return { route, encodedName, params };
}

/**
 * The HTTP API: a table of routes, matched by method and path; the gate decides each request
 * from its credential, its document and the access its row declares, then the handler runs with
 * the grant. Every refusal is JSON `{ error, reason }`.
 */
export function createApi(deps: ApiDeps, gate: Gate, routes: readonly Route[]) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    try {
      const segments = path.slice(1).split('/');
      const found = routes.map((route) => match(route, segments)).filter((m): m is Match => m !== undefined);
      if (found.length === 0) throw new ApiError(404, 'no such endpoint');
      const hit = found.find((m) => m.route.method === req.method || (req.method === 'HEAD' && m.route.method === 'GET'));
      if (!hit) {
        const allow = [...new Set(found.map((m) => m.route.method))].join(', ');
        res.setHeader('allow', allow);
        throw new ApiError(405, `${req.method} is not allowed here (${allow})`);
      }
      const name = hit.encodedName === undefined ? '' : decodeName(hit.encodedName);
      const grant = await gate.decide(credentialOf(req, query, gate.cookies), hit.route.access, hit.encodedName === undefined ? undefined : name);
      await hit.route.handle({ deps, req, res, query, name, params: hit.params, grant });
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body we refused unread must not be taken for the next request on this connection.
      const headers: Record<string, string> = req.complete ? {} : { connection: 'close' };
      if (refusal.retryAfterSec) headers['retry-after'] = String(refusal.retryAfterSec);
      sendJson(res, refusal.status, { error: refusal.error, reason: refusal.reason }, headers);
    }
  };
}
