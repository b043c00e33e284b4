import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access } from '../../auth/access.js';
import type { Config } from '../../config.js';
import type { DocumentService } from '../../history/DocumentService.js';
import type { Logger } from '../../logger.js';
import type { LevelDocStore } from '../../storage/LevelDocStore.js';

/** What API routes are given. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  docs: DocumentService;
  /** The LevelDB store, for `backup` (absent with another store). */
  level?: LevelDocStore | undefined;
}

/** A refused API request: answered as JSON `{ error, reason }` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415,
    readonly error: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ApiError';
  }
}

export interface ApiRequest {
  deps: ApiDeps;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** The decoded document name, for routes under /api/docs/<name>. */
  name: string;
  /** Further path parameters (`:id`), raw. */
  params: Record<string, string>;
  /** What the token grants (write without AUTH_SECRET). */
  access: Access;
  /**
   * The token's `doc` claim (`*` without AUTH_SECRET) and whether it is an exact name (share
   * links): the document list filters by it.
   */
  claim: { readonly doc: string; readonly match?: 'exact' };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body) + '\n');
}

export function sendError(res: ServerResponse, err: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { error: err.error, reason: err.message }, headers);
}

/** The request body, refused with 413 past `max` bytes (by Content-Length before reading any). */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) throw new ApiError(413, 'too_large', `the body is over ${max} bytes (MAX_MESSAGE_BYTES)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ApiError(413, 'too_large', `the body is over ${max} bytes (MAX_MESSAGE_BYTES)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type of the request, without parameters, lower case. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** `Content-Disposition` for a download named after the document. */
export function attachment(name: string, extension: string): string {
  const base = name.replace(/[/\\]/g, '-').replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 100) || 'document';
  const ascii = base.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '_');
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeURIComponent(`${base}.${extension}`)}`;
}
