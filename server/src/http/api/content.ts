import { DOCX_TYPE, EXPORT_FORMATS, IMPORT_TYPES, suggestionsViewOf, type ExportFormat, type ImportMode, type SuggestionsView } from '../../history/formatTypes.js';
import { importDocx } from './docx.js';
import { ApiError, attachment, mediaType, readBody, type ApiRequest } from './context.js';
import type { Route } from './router.js';
import { identityOf } from '../../review/author.js';
import { checkCommentRules } from '../../review/commentRules.js';

export function formatOf(query: URLSearchParams): ExportFormat {
  const format = query.get('format') ?? 'md';
  if (!Object.hasOwn(EXPORT_FORMATS, format)) throw new ApiError(400, `format must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`);
  return format as ExportFormat;
}

/** `&suggestions=show` or nothing (DESIGN.md, "review: suggestions"). */
export function suggestionsOf(query: URLSearchParams): SuggestionsView {
  const view = suggestionsViewOf(query);
  if (!view) throw new ApiError(400, 'suggestions must be show, or absent for the accepted text');
  return view;
}

/** Sends an export with its content type and a download filename. */
export function sendExport(r: ApiRequest, format: ExportFormat, body: Uint8Array | string, suffix = ''): void {
  const { contentType, extension } = EXPORT_FORMATS[format];
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  r.res.writeHead(200, {
    'content-type': contentType,
    'content-length': String(bytes.length),
    'content-disposition': attachment(r.name + suffix, extension),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  r.res.end(r.req.method === 'HEAD' ? undefined : bytes);
}

async function exportDoc(r: ApiRequest): Promise<void> {
  const format = formatOf(r.query);
  const { body } = await r.deps.docs.export(r.name, format, suggestionsOf(r.query));
  sendExport(r, format, body);
}

async function importDoc(r: ApiRequest): Promise<void> {
  const type = mediaType(r.req);
  if (!Object.hasOwn(IMPORT_TYPES, type)) {
    throw new ApiError(415, `Content-Type must be one of ${Object.keys(IMPORT_TYPES).join(', ')}`);
  }
  const mode = r.query.get('mode') ?? 'replace';
  if (mode !== 'replace' && mode !== 'append') throw new ApiError(400, 'mode must be replace or append');
  const body = await readBody(r.req, r.deps.config.maxMessageBytes);
  if (type === DOCX_TYPE) return importDocx(r, body, mode);
  const sender = { mode: r.grant.mode, identity: identityOf(r.grant) };
  await r.deps.docs.import(r.name, IMPORT_TYPES[type as keyof typeof IMPORT_TYPES], body, mode as ImportMode, (doc, update) => checkCommentRules(doc, update, sender));
  const m = await r.deps.docs.meta(r.name);
  r.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ name: r.name, peers: m.peers }) + '\n');
}

export const contentRoutes: Route[] = [
  { method: 'GET', path: 'api/docs/:name/export', access: 'read', handle: exportDoc },
  { method: 'PUT', path: 'api/docs/:name/import', access: 'write', handle: importDoc },
];
