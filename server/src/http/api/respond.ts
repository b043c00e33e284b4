import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { verifyToken } from '../../auth/tokens.js';
import { OPEN_ACCESS, type Access, type Mode } from '../../auth/access.js';
import type { Shares } from '../../shares/Shares.js';
import { statusFor } from '../refusals.js';

/** A refusal of the HTTP API: `{ "error": "<short code>", "reason": "<sentence>" }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415,
    readonly error: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ApiError';
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body) + '\n');
}

/** Answers an ApiError, or a refusal from below (auth, a bad name); false for anything else (a 500). */
export function sendRefusal(res: ServerResponse, err: unknown): boolean {
  if (err instanceof ApiError) {
    sendJson(res, err.status, { error: err.error, reason: err.message });
    return true;
  }
  const refusal = statusFor(err);
  if (!refusal) return false;
  if (refusal.retryAfterSec) res.setHeader('retry-after', String(refusal.retryAfterSec));
  sendJson(res, refusal.status, { error: STATUS_CODES[refusal.status] ?? 'Error', reason: refusal.reason });
  return true;
}

/** The request's token: `Authorization: Bearer` or `?token=`. */
export function tokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? query.get('token') ?? undefined;
}

/**
 * Checks that the request may act on document `name` with `need` (without AUTH_SECRET the server
 * is open); throws AuthError (401/403) or ApiError (403 for a read token asking to write).
 */
export async function authorize(
  secret: string | undefined,
  req: IncomingMessage,
  query: URLSearchParams,
  name: string,
  need: Mode,
  shares?: Shares | undefined,
): Promise<Access> {
  if (!secret) return OPEN_ACCESS;
  const access = await verifyToken(secret, tokenOf(req, query), name);
  await shares?.check(name, access); // a revoked link opens nothing
  if (need === 'write' && access.mode !== 'write') throw new ApiError(403, 'forbidden', 'this needs write access to the document');
  return access;
}

/** Reads a request body of at most `limit` bytes; a larger one is refused (413) as soon as it passes the limit. */
export function readBody(req: IncomingMessage, limit: number, tooLarge: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard it: a browser that is still sending would otherwise see a reset, not the answer
    return Promise.reject(new ApiError(413, 'too_large', tooLarge));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const handleData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', handleData);
        req.resume(); // drain the rest so the answer can be read
        reject(new ApiError(413, 'too_large', tooLarge));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', handleData);
    req.once('end', () => {
      if (size <= limit) resolve(Buffer.concat(chunks, size));
    });
    req.once('error', reject);
  });
}
