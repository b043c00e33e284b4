import { claimsCover } from '../../auth/tokens.js';
import { MAX_QUERY_CHARS, normaliseQuery } from '../../search/query.js';
import { snippetOf } from '../../search/snippet.js';
import { ApiError, sendJson, type ApiRequest } from './context.js';
import type { Route } from './router.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** The query's words, refused (400) when nothing or too much is left after normalisation. */
function queryOf(query: URLSearchParams): string {
  // Normalising is linear, and a query string is bounded by Node's header limit (16 KB).
  const q = normaliseQuery(query.get('q') ?? '');
  if (q.length === 0) throw new ApiError(400, 'q needs at least one letter or digit');
  if (q.length > MAX_QUERY_CHARS) throw new ApiError(400, `q is at most ${MAX_QUERY_CHARS} characters`);
  return q;
}

function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  const limit = raw === null ? DEFAULT_LIMIT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ApiError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

/** Which documents the caller may read: a token's scope, or (signed in) the documents in their list. */
async function readerOf(r: ApiRequest): Promise<(name: string) => boolean> {
  const { user } = r.grant;
  if (!user) return (name) => claimsCover(r.grant.scope, name);
  const mine = new Set(user.email === null || !r.deps.people ? [] : (await r.deps.people.listFor(user.email)).map((e) => e.name));
  return (name) => mine.has(name);
}

/**
 * GET /api/search?q=&limit= (DESIGN.md, "Contract — workspace"): ranked over titles and text,
 * only among documents the caller may read, each with a plain-text snippet around the match.
 */
async function search(r: ApiRequest): Promise<void> {
  const q = queryOf(r.query);
  const limit = limitOf(r.query);
  const hits = await r.deps.search.search(q, limit, await readerOf(r));
  const results = await Promise.all(
    hits.map(async (hit) => {
      const indexed = await r.deps.search.indexedText(hit.name);
      // Deleted since it was indexed: its text went with it.
      return indexed && { name: hit.name, title: indexed.title, snippet: snippetOf(indexed.text, hit.terms) };
    }),
  );
  sendJson(r.res, 200, { results: results.filter((x) => x !== undefined) });
}

export const searchRoutes: Route[] = [{ method: 'GET', path: 'api/search', access: 'any', handle: search }];
