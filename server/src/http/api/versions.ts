import type { VersionMeta } from '../../storage/kinds/versions.js';
import { formatOf, sendExport, suggestionsOf } from './content.js';
import { ApiError, readJson, sendJson, type ApiRequest } from './context.js';
import type { Route } from './router.js';

const MAX_VERSION_NAME = 200;

/** A version as the API shows it: the id is opaque to clients. */
export function versionJson(v: VersionMeta) {
  return { id: String(v.id), name: v.name, createdAt: new Date(v.createdAt).toISOString(), authors: v.authors };
}

function idOf(r: ApiRequest): number {
  const raw = r.params.id ?? '';
  if (!/^\d{1,16}$/.test(raw)) throw new ApiError(404, `document ${JSON.stringify(r.name)} has no version ${JSON.stringify(raw)}`);
  return Number(raw);
}

async function list(r: ApiRequest): Promise<void> {
  if (!(await r.deps.docs.exists(r.name))) throw new ApiError(404, `no document ${JSON.stringify(r.name)}`);
  const versions = await r.deps.docs.versions(r.name);
  sendJson(r.res, 200, { versions: versions.map(versionJson) });
}

async function create(r: ApiRequest): Promise<void> {
  const { name } = await readJson(r.req, 64 * 1024, '{ "name": "<version name>" }');
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_VERSION_NAME) {
    throw new ApiError(400, `name must be a non-empty string of at most ${MAX_VERSION_NAME} characters`);
  }
  const meta = await r.deps.docs.createVersion(r.name, name.trim());
  sendJson(r.res, 201, versionJson(meta));
}

async function exportVersion(r: ApiRequest): Promise<void> {
  const format = formatOf(r.query);
  const id = idOf(r);
  sendExport(r, format, await r.deps.docs.exportVersion(r.name, id, format, suggestionsOf(r.query)), `-${new Date(id).toISOString().slice(0, 16).replace(':', '')}`);
}

async function restore(r: ApiRequest): Promise<void> {
  const { before } = await r.deps.docs.restore(r.name, idOf(r));
  // `before`: the version holding the text the restore replaced (restoring it undoes this one).
  sendJson(r.res, 200, { restored: r.params.id, before: before === null ? null : String(before) });
}

/** `?from=<version id>&to=<version id|now>`: the two versions as one document, changes marked and attributed. */
async function compare(r: ApiRequest): Promise<void> {
  const id = (raw: string | null, what: string) => {
    if (raw === null || !/^\d{1,16}$/.test(raw)) throw new ApiError(400, `${what} must be a version id`);
    return Number(raw);
  };
  const from = id(r.query.get('from'), 'from');
  const to = r.query.get('to') === 'now' ? 'now' : id(r.query.get('to'), 'to (or "now")');
  sendJson(r.res, 200, await r.deps.docs.compare(r.name, from, to));
}

// Version history needs write, as in Google Docs: an old version may hold what a reader must not see now.
export const versionRoutes: Route[] = [
  { method: 'GET', path: 'api/docs/:name/versions', access: 'write', handle: list },
  { method: 'POST', path: 'api/docs/:name/versions', access: 'write', handle: create },
  { method: 'GET', path: 'api/docs/:name/versions/:id/export', access: 'write', handle: exportVersion },
  { method: 'POST', path: 'api/docs/:name/versions/:id/restore', access: 'write', handle: restore },
  { method: 'GET', path: 'api/docs/:name/compare', access: 'write', handle: compare },
];
