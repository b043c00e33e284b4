import { isMode, modeCovers, type Mode } from '../../auth/access.js';
import type { Shares } from '../../shares/Shares.js';
import type { ShareRecord } from '../../storage/kinds/shares.js';
import { ApiError, readJson, sendJson, sendNoContent, type ApiRequest } from './context.js';
import type { Route } from './router.js';

/** The longest expiry a link may ask for: ten years. */
const MAX_EXPIRY_S = 10 * 365 * 24 * 3600;
const SHAPE = '{ "mode": "read" | "comment" | "write", "expiresInSeconds"?: n }';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `path` is relative (`/d/<name>?token=…`): the client adds its own origin. */
function linkPath(name: string, token: string): string {
  return `/d/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
}

function sharesOf(r: ApiRequest): Shares {
  const { shares } = r.deps;
  if (!shares) throw new ApiError(409, 'This server runs without AUTH_SECRET: anyone with the link can edit, so there are no share links.', 'open_server');
  return shares;
}

async function describe(shares: Shares, name: string, record: ShareRecord) {
  const token = await shares.tokenFor(name, record);
  return { id: record.id, mode: record.mode, expiresAt: iso(record.expiresAt), createdAt: iso(record.createdAt), creator: record.creator, token, path: linkPath(name, token) };
}

async function list(r: ApiRequest): Promise<void> {
  // Listing on an open server is a question, not an error (a 409 would be a console error in
  // every browser that opens Share).
  if (!r.deps.shares) {
    sendJson(r.res, 200, { shares: [], open: true });
    return;
  }
  const shares = sharesOf(r);
  const records = await shares.list(r.name);
  sendJson(r.res, 200, { shares: await Promise.all(records.map((record) => describe(shares, r.name, record))) });
}

async function create(r: ApiRequest): Promise<void> {
  const shares = sharesOf(r);
  const { mode, expiresInSeconds } = await readJson(r.req, 64 * 1024, SHAPE);
  if (!isMode(mode)) throw new ApiError(400, '"mode" must be "read", "comment" or "write"');
  if (expiresInSeconds !== undefined && (typeof expiresInSeconds !== 'number' || !Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_EXPIRY_S)) {
    throw new ApiError(400, `"expiresInSeconds" must be a whole number from 1 to ${MAX_EXPIRY_S}`);
  }
  // Never above the creator's own mode (the contract's rule, whatever access the route needs).
  if (!modeCovers(r.grant.mode, mode)) throw new ApiError(403, 'a link cannot grant more than your own access');
  const { record, token } = await shares.create(r.name, mode as Mode, expiresInSeconds as number | undefined, r.grant.userName ?? null);
  sendJson(r.res, 201, { id: record.id, token, path: linkPath(r.name, token), mode: record.mode, expiresAt: iso(record.expiresAt) });
}

/** Revokes the link; the sessions using it are closed (4401) by whoever watches the links. */
async function revoke(r: ApiRequest): Promise<void> {
  const shares = sharesOf(r);
  const id = r.params.id!;
  if (!ID.test(id) || !(await shares.revoke(r.name, id))) throw new ApiError(404, 'no such share link');
  sendNoContent(r.res);
}

/** Share links of a document (DESIGN.md, "Contract — access"): a writer manages them. */
export const shareRoutes: Route[] = [
  { method: 'GET', path: 'api/docs/:name/shares', access: 'write', handle: list },
  { method: 'POST', path: 'api/docs/:name/shares', access: 'write', handle: create },
  { method: 'DELETE', path: 'api/docs/:name/shares/:id', access: 'write', handle: revoke },
];
