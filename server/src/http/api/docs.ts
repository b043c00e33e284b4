import { MAX_TITLE_CHARS } from '@tandem/schema';
import type { DocInfo } from '../../history/DocumentService.js';
import { ApiError, readJson, sendJson, sendNoContent, type ApiRequest } from './context.js';
import type { Route } from './router.js';

const MAX_LIMIT = 200;
/** A title request body: small JSON. */
const MAX_TITLE_BODY = 16 * 1024;
/** Names read per step when a whole scope is listed by time. */
const LIST_CHUNK = 500;

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

/** A page of a list sorted by time: its cursor counts how many came before (`at:<n>`). */
function offsetPageOf(query: URLSearchParams): { limit: number; skip: number } {
  const { limit, after } = pageOf(query);
  const skip = after === undefined ? 0 : Number(after.replace(/^at:/, ''));
  if (!Number.isInteger(skip) || skip < 0 || (after !== undefined && !after.startsWith('at:'))) throw new ApiError(400, 'cursor is not one this server gave out');
  return { limit, skip };
}

/**
 * A signed-in person's list: theirs and shared with them, newest first, with their role in each;
 * pages of `limit`, the cursor counting how many came before.
 */
async function listFor(r: ApiRequest, email: string | null): Promise<void> {
  const { limit, skip } = offsetPageOf(r.query);
  const entries = email === null || !r.deps.people ? [] : await r.deps.people.listFor(email);
  const docs = await Promise.all(entries.map(async (e) => ({ ...e, info: await r.deps.docs.info(e.name).catch(() => undefined) })));
  docs.sort((a, b) => (b.info?.updatedAt ?? 0) - (a.info?.updatedAt ?? 0) || (a.name < b.name ? -1 : 1));
  const page = docs.slice(skip, skip + limit);
  sendJson(r.res, 200, {
    documents: page.map((d) => ({ name: d.name, title: d.info?.title ?? '', size: d.info?.size ?? 0, updatedAt: d.info?.updatedAt ? new Date(d.info.updatedAt).toISOString() : null, role: d.role })),
    cursor: skip + limit < docs.length ? cursorOf(`at:${skip + limit}`) : null,
  });
}

/** `order`: `name` (the default) or `updated` (newest first). */
function orderOf(query: URLSearchParams): 'name' | 'updated' {
  const order = query.get('order') ?? 'name';
  if (order !== 'name' && order !== 'updated') throw new ApiError(400, 'order must be name or updated');
  return order;
}

const listed = (d: DocInfo) => ({ name: d.name, title: d.title, size: d.size, updatedAt: d.updatedAt ? new Date(d.updatedAt).toISOString() : null });

/**
 * A token's documents newest first: every name its scope covers is read (a chunk at a time)
 * and sorted by time, then paged with a cursor counting how many came before, as a signed-in
 * person's list is.
 */
async function listByTime(r: ApiRequest): Promise<void> {
  const { limit, skip } = offsetPageOf(r.query);
  const scope = listScope(r.grant.scope);
  const docs: DocInfo[] = [];
  let from: string | undefined;
  for (;;) {
    const chunk = await r.deps.docs.list({ prefix: scope.prefix, after: from, limit: LIST_CHUNK });
    docs.push(...(scope.exact ? chunk.filter((d) => d.name === scope.prefix) : chunk));
    if (chunk.length < LIST_CHUNK) break;
    from = chunk[chunk.length - 1]!.name;
  }
  docs.sort((a, b) => b.updatedAt - a.updatedAt || (a.name < b.name ? -1 : 1));
  sendJson(r.res, 200, { documents: docs.slice(skip, skip + limit).map(listed), cursor: skip + limit < docs.length ? cursorOf(`at:${skip + limit}`) : null });
}

async function list(r: ApiRequest): Promise<void> {
  const order = orderOf(r.query);
  if (r.grant.user) return listFor(r, r.grant.user.email);
  if (order === 'updated') return listByTime(r);
  const { deps, res, query, grant } = r;
  const { limit, after } = pageOf(query);
  const scope = listScope(grant.scope);
  let docs = await deps.docs.list({ prefix: scope.prefix, after, limit: limit + 1 });
  if (scope.exact) docs = docs.filter((d) => d.name === scope.prefix);
  const more = docs.length > limit;
  docs = docs.slice(0, limit);
  sendJson(res, 200, {
    documents: docs.map(listed),
    cursor: more ? cursorOf(docs[docs.length - 1]!.name) : null,
  });
}

async function meta({ deps, res, name }: ApiRequest): Promise<void> {
  const m = await deps.docs.meta(name);
  sendJson(res, 200, { name, title: m.title, size: m.size, updatedAt: m.updatedAt ? new Date(m.updatedAt).toISOString() : null, peers: m.peers, versions: m.versions });
}

/** Sets the title (DESIGN.md, "Contract — workspace"): at most MAX_TITLE_CHARS characters. */
async function retitle(r: ApiRequest): Promise<void> {
  const body = await readJson(r.req, MAX_TITLE_BODY, '{ "title": "…" }');
  const { title } = body;
  if (typeof title !== 'string') throw new ApiError(400, 'title must be a string: { "title": "…" }');
  if ([...title].length > MAX_TITLE_CHARS) throw new ApiError(400, `a title is at most ${MAX_TITLE_CHARS} characters`);
  await r.deps.docs.setTitle(r.name, title);
  sendJson(r.res, 200, { name: r.name, title });
}

async function remove({ deps, res, name }: ApiRequest): Promise<void> {
  await deps.docs.delete(name);
  sendNoContent(res);
}

export const docRoutes: Route[] = [
  { method: 'GET', path: 'api/docs', access: 'any', handle: list },
  { method: 'GET', path: 'api/docs/:name', access: 'read', handle: meta },
  { method: 'PATCH', path: 'api/docs/:name', access: 'write', handle: retitle },
  // Owners delete (with sign-in, only they; until then every writer is one).
  { method: 'DELETE', path: 'api/docs/:name', access: 'owner', handle: remove },
];
