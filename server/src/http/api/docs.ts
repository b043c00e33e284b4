import { ApiError, sendJson, sendNoContent, type ApiRequest } from './context.js';
import type { Route } from './router.js';

const MAX_LIMIT = 200;

/** The part of the grant's scope that every listed name must start with; exact for a name. */
function listScope({ doc, match }: ApiRequest['grant']['scope']): { prefix: string; exact: boolean } {
  return match !== 'exact' && doc.endsWith('*') ? { prefix: doc.slice(0, -1), exact: false } : { prefix: doc, exact: true };
}

/** `limit` and `cursor` of a list request (the cursor is what the previous page answered). */
function pageOf(query: URLSearchParams): { limit: number; after: string | undefined } {
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 50 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ApiError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const cursor = query.get('cursor') || undefined;
  let after: string | undefined;
  if (cursor !== undefined) {
    after = Buffer.from(cursor, 'base64url').toString('utf8');
    if (after === '' || Buffer.from(after, 'utf8').toString('base64url') !== cursor) throw new ApiError(400, 'cursor is not one this server gave out');
  }
  return { limit, after };
}

const cursorOf = (after: string): string => Buffer.from(after, 'utf8').toString('base64url');

/**
 * A signed-in person's list: theirs and shared with them, newest first, with their role in each;
 * pages of `limit`, the cursor counting how many came before.
 */
async function listFor(r: ApiRequest, email: string | null): Promise<void> {
  const { limit, after } = pageOf(r.query);
  const skip = after === undefined ? 0 : Number(after.replace(/^at:/, ''));
  if (!Number.isInteger(skip) || skip < 0 || (after !== undefined && !after.startsWith('at:'))) throw new ApiError(400, 'cursor is not one this server gave out');
  const entries = email === null || !r.deps.people ? [] : await r.deps.people.listFor(email);
  const docs = await Promise.all(entries.map(async (e) => ({ ...e, info: await r.deps.docs.info(e.name).catch(() => undefined) })));
  docs.sort((a, b) => (b.info?.updatedAt ?? 0) - (a.info?.updatedAt ?? 0) || (a.name < b.name ? -1 : 1));
  const page = docs.slice(skip, skip + limit);
  sendJson(r.res, 200, {
    documents: page.map((d) => ({ name: d.name, title: d.info?.title ?? '', size: d.info?.size ?? 0, updatedAt: d.info?.updatedAt ? new Date(d.info.updatedAt).toISOString() : null, role: d.role })),
    cursor: skip + limit < docs.length ? cursorOf(`at:${skip + limit}`) : null,
  });
}

async function list(r: ApiRequest): Promise<void> {
  if (r.grant.user) return listFor(r, r.grant.user.email);
  const { deps, res, query, grant } = r;
  const { limit, after } = pageOf(query);
  const scope = listScope(grant.scope);
  let docs = await deps.docs.list({ prefix: scope.prefix, after, limit: limit + 1 });
  if (scope.exact) docs = docs.filter((d) => d.name === scope.prefix);
  const more = docs.length > limit;
  docs = docs.slice(0, limit);
  sendJson(res, 200, {
    documents: docs.map((d) => ({ name: d.name, title: d.title, size: d.size, updatedAt: d.updatedAt ? new Date(d.updatedAt).toISOString() : null })),
    cursor: more ? cursorOf(docs[docs.length - 1]!.name) : null,
  });
}

async function meta({ deps, res, name }: ApiRequest): Promise<void> {
  const m = await deps.docs.meta(name);
  sendJson(res, 200, { name, title: m.title, size: m.size, updatedAt: m.updatedAt ? new Date(m.updatedAt).toISOString() : null, peers: m.peers, versions: m.versions });
}

async function remove({ deps, res, name }: ApiRequest): Promise<void> {
  await deps.docs.delete(name);
  sendNoContent(res);
}

export const docRoutes: Route[] = [
  { method: 'GET', path: 'api/docs', access: 'any', handle: list },
  { method: 'GET', path: 'api/docs/:name', access: 'read', handle: meta },
  // Owners delete (with sign-in, only they; until then every writer is one).
  { method: 'DELETE', path: 'api/docs/:name', access: 'owner', handle: remove },
];
