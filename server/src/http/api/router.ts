import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPEN_ACCESS } from '../../auth/access.js';
import { claimsCover, verifyClaims } from '../../auth/tokens.js';
import { AuthError, DocumentTooLargeError } from '../../errors.js';
import { BadContentError } from '../../history/ConversionPool.js';
import { NotFoundError } from '../../history/DocumentService.js';
import { decodeName } from '../names.js';
import { RequestError } from '../RequestError.js';
import { ApiError, sendError, type ApiDeps, type ApiRequest } from './context.js';

/**
 * What a route needs of the token: `read` or `write` on the document in the path; `list`, any
 * valid token (the list filters by its `doc`); `operator`, a write token for every document
 * (`doc: "*"`).
 */
export type Right = 'read' | 'write' | 'list' | 'operator';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Segments after /api/: literals, `:name` (the document, percent-decoded once) or `:id`. */
  path: string;
  right: Right;
  handle(r: ApiRequest): Promise<void>;
}

function match(route: Route, segments: string[]): { name: string; params: Record<string, string> } | undefined {
  const parts = route.path.split('/');
  if (parts.length !== segments.length) return undefined;
  let name = '';
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const seg = segments[i]!;
    if (part === ':name') name = seg;
    else if (part.startsWith(':')) params[part.slice(1)] = seg;
    else if (part !== seg) return undefined;
  }
  return { name, params };
}

function tokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return query.get('token') ?? bearer ?? undefined;
}

/**
 * The REST API under /api/: a table of routes (one file per resource adds its own), matched by
 * method and path, with the token checked against what each needs. Every refusal is JSON
 * `{ error, reason }`.
 */
export function createApi(deps: ApiDeps, routes: readonly Route[]) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    try {
      const segments = path.slice('/api/'.length).split('/');
      const found = routes.map((route) => ({ route, m: match(route, segments) })).filter((x) => x.m !== undefined);
      if (found.length === 0) throw new ApiError(404, 'not_found', 'no such endpoint');
      const hit = found.find((x) => x.route.method === req.method || (req.method === 'HEAD' && x.route.method === 'GET'));
      if (!hit) {
        const allow = [...new Set(found.map((x) => x.route.method))].join(', ');
        res.setHeader('allow', allow);
        throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here (${allow})`);
      }
      const { route } = hit;
      const name = route.path.includes(':name') ? decodeName(hit.m!.name) : '';
      let access = OPEN_ACCESS;
      let claim: ApiRequest['claim'] = { doc: '*' };
      const secret = deps.config.authSecret;
      if (secret) {
        const claims = await verifyClaims(secret, tokenOf(req, query));
        claim = claims;
        access = claims;
        if (route.right === 'read' || route.right === 'write') {
          if (!claimsCover(claims, name)) throw new AuthError('token is for another document', 403);
        }
        // A share link names one document, even one called "*": never an operator.
        if (route.right === 'operator' && (claims.doc !== '*' || claims.match === 'exact')) throw new AuthError('this needs an operator token (doc "*")', 403);
      }
      if ((route.right === 'write' || route.right === 'operator') && access.mode !== 'write') {
        throw new ApiError(403, 'forbidden', 'this token may only read');
      }
      await route.handle({ deps, req, res, query, name, params: hit.m!.params, access, claim });
    } catch (err) {
      const answer = toApiError(err);
      if (!answer) throw err;
      if (res.headersSent) res.destroy();
      else {
        // A body we refused unread must not be taken for the next request on this connection.
        sendError(res, answer, req.complete ? {} : { connection: 'close' });
      }
    }
  };
}

function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof AuthError) return new ApiError(err.status, err.status === 401 ? 'unauthorized' : 'forbidden', err.message);
  if (err instanceof RequestError && err.status === 400) return new ApiError(400, 'bad_request', err.message);
  if (err instanceof NotFoundError) return new ApiError(404, 'not_found', err.message);
  if (err instanceof BadContentError) return new ApiError(400, 'bad_content', err.message);
  if (err instanceof DocumentTooLargeError) return new ApiError(413, 'too_large', err.message);
  return undefined;
}
