import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config.js';
import type { Shares } from '../../shares/Shares.js';
import type { ShareRecord } from '../../storage/DocStore.js';
import { decodeName } from '../names.js';
import { ApiError, authorize, readBody, sendJson } from './respond.js';

export interface SharesDeps {
  config: Config;
  /** Present only with AUTH_SECRET: without it the server is open and links carry nothing. */
  shares: Shares | undefined;
  /** Closes every session opened with link `id` (4401), on this instance at once. */
  closeSessions: (name: string, id: string) => void;
}

const COLLECTION = /^\/api\/docs\/([^/]+)\/shares$/;
const ITEM = /^\/api\/docs\/([^/]+)\/shares\/([A-Za-z0-9_-]{1,64})$/;
/** The longest expiry a link may ask for: ten years. */
const MAX_EXPIRY_S = 10 * 365 * 24 * 3600;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `path` is relative (`/d/<name>?token=…`): the client adds its own origin. */
function linkPath(name: string, token: string): string {
  return `/d/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
}

async function describe(deps: SharesDeps & { shares: Shares }, name: string, r: ShareRecord) {
  const token = await deps.shares.tokenFor(name, r);
  return { id: r.id, mode: r.mode, expiresAt: iso(r.expiresAt), createdAt: iso(r.createdAt), creator: r.creator, token, path: linkPath(name, token) };
}

function parseRequest(raw: Buffer): { mode: 'read' | 'write'; expiresInSeconds: number | undefined } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad_request', 'the body must be JSON: { "mode": "read" | "write", "expiresInSeconds"?: n }');
  }
  const { mode, expiresInSeconds } = (body ?? {}) as { mode?: unknown; expiresInSeconds?: unknown };
  if (mode !== 'read' && mode !== 'write') throw new ApiError(400, 'bad_request', '"mode" must be "read" or "write"');
  if (expiresInSeconds !== undefined && (typeof expiresInSeconds !== 'number' || !Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_EXPIRY_S)) {
    throw new ApiError(400, 'bad_request', `"expiresInSeconds" must be a whole number from 1 to ${MAX_EXPIRY_S}`);
  }
  return { mode, expiresInSeconds };
}

/**
 * Share links of a document (DESIGN.md, "Contract — access"): `POST /api/docs/<name>/shares`
 * creates one (201), `GET` lists them, `DELETE …/shares/<id>` revokes one (204) and closes the
 * sessions using it. All need write access. Returns false for any other path.
 */
export async function handleShares(deps: SharesDeps, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
  const collection = COLLECTION.exec(path);
  const item = collection ? null : ITEM.exec(path);
  if (!collection && !item) return false;
  const name = decodeName((collection ?? item)![1]!);
  const { shares } = deps;
  // Listing on an open server is a question, not an error (a 409 would be a console error in every browser opening Share).
  if (!shares && collection && req.method === 'GET') {
    sendJson(res, 200, { shares: [], open: true });
    return true;
  }
  if (!shares) throw new ApiError(409, 'open_server', 'This server runs without AUTH_SECRET: anyone with the link can edit, so there are no share links.');
  const access = await authorize(deps.config.authSecret, req, query, name, 'write', shares);
  const d = { ...deps, shares };
  if (item) {
    if (req.method !== 'DELETE') return methodNotAllowed(res, 'DELETE');
    const id = item[2]!;
    if (!(await shares.revoke(name, id))) throw new ApiError(404, 'not_found', 'no such share link');
    deps.closeSessions(name, id);
    res.writeHead(204, { 'cache-control': 'no-store' }).end();
    return true;
  }
  if (req.method === 'GET') {
    const list = await shares.list(name);
    sendJson(res, 200, { shares: await Promise.all(list.map((r) => describe(d, name, r))) });
    return true;
  }
  if (req.method !== 'POST') return methodNotAllowed(res, 'GET, POST');
  const { mode, expiresInSeconds } = parseRequest(await readBody(req, 64 * 1024, 'the request body is too large'));
  // Never above the creator's own mode (a writer can only be here, but the rule is the contract's).
  if (mode === 'write' && access.mode !== 'write') throw new ApiError(403, 'forbidden', 'a link cannot grant more than your own access');
  const { record, token } = await shares.create(name, mode, expiresInSeconds, access.userName ?? null);
  sendJson(res, 201, { id: record.id, token, path: linkPath(name, token), mode: record.mode, expiresAt: iso(record.expiresAt) });
  return true;
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.writeHead(405, { allow }).end();
  return true;
}
