import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Grant } from '../../auth/gate.js';
import type { Config } from '../../config.js';
import type { DocumentQuota } from '../../files/DocumentQuota.js';
import type { FileCollector } from '../../files/FileCollector.js';
import type { DocumentService } from '../../history/DocumentService.js';
import type { CommentService } from '../../review/CommentService.js';
import type { Logger } from '../../logger.js';
import type { SearchIndexer } from '../../search/SearchIndexer.js';
import type { Shares } from '../../shares/Shares.js';
import type { People } from '../../people/People.js';
import type { FileStore } from '../../storage/kinds/files.js';
import type { KV } from '../../storage/kv/KV.js';
import { ApiError } from '../refusals.js';

export { ApiError };

/** What API routes are given. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  docs: DocumentService;
  /** Comment threads (review). */
  comments: CommentService;
  /** Where everything is stored, for `backup` (a consistent snapshot of it). */
  kv: KV;
  /** Search across documents. */
  search: Pick<SearchIndexer, 'search' | 'indexedText'>;
  /** With sign-in: each document's people and general access. */
  people?: People | undefined;
  /** With AUTH_SECRET: share links. */
  shares?: Shares | undefined;
  /** Uploaded files (with REDIS_URL, the shared store); the collector is told of uploads. */
  files: { store: FileStore; collector?: FileCollector | undefined; quota?: DocumentQuota | undefined };
  /** The clock of upload times. */
  now: () => number;
}

export interface ApiRequest {
  deps: ApiDeps;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** The decoded document name, for routes with `:name`; '' for the others. */
  name: string;
  /** Further path parameters (`:id`), raw. */
  params: Record<string, string>;
  /** What the gate granted for this request: handlers read access from it and nowhere else. */
  grant: Grant;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body) + '\n');
}

/** 204, uncached. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, { 'cache-control': 'no-store' }).end();
}

/**
 * The request body, refused with 413 past `max` bytes (by Content-Length before reading any).
 * What is refused is drained, not read into memory: a browser still sending would otherwise see
 * a reset instead of the answer.
 */
export function readBody(req: IncomingMessage, max: number, tooLarge = `the body is over ${max} bytes (MAX_MESSAGE_BYTES)`): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(new ApiError(413, tooLarge));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const handleData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', handleData);
        req.resume();
        reject(new ApiError(413, tooLarge));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', handleData);
    req.once('end', () => {
      if (size <= max) resolve(Buffer.concat(chunks, size));
    });
    req.once('error', reject);
  });
}

/** A JSON object body (at most `max` bytes); 400 for anything else. */
export async function readJson(req: IncomingMessage, max: number, shape: string): Promise<Record<string, unknown>> {
  const raw = await readBody(req, max);
  let body: unknown;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, `the body must be JSON: ${shape}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, `the body must be a JSON object: ${shape}`);
  return body as Record<string, unknown>;
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
