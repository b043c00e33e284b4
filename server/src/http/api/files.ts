import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { FileStore } from '../../storage/DocStore.js';
import type { SharedFiles } from '../../cluster/SharedFiles.js';
import type { FileCollector } from '../../files/FileCollector.js';
import type { DocumentQuota } from '../../files/DocumentQuota.js';
import { detectImageType } from '../../files/imageType.js';
import type { Shares } from '../../shares/Shares.js';
import { decodeName } from '../names.js';
import { ApiError, authorize, readBody, sendJson } from './respond.js';

export interface FilesDeps {
  config: Config;
  logger: Logger;
  store: FileStore;
  /** With REDIS_URL: files go to Redis too, so that every instance serves them. */
  shared?: SharedFiles | undefined;
  shares?: Shares | undefined;
  /** Told of each upload, so that a collection under way keeps the file. */
  collector?: FileCollector | undefined;
  /** The clock of upload times (the collector's grace period counts from them). */
  now: () => number;
  /** Uploads count toward MAX_DOCUMENT_BYTES (files/DocumentQuota.ts). */
  quota?: DocumentQuota | undefined;
}

const UPLOAD = /^\/api\/docs\/([^/]+)\/files$/;
const SERVE = /^\/files\/([^/]+)\/([0-9a-f]{64})$/;
/** A year, and `immutable`: the URL is the content's hash. `private`: it may need a token. */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * Images of a document (DESIGN.md, "HTTP API"): `POST /api/docs/<name>/files` (write access; the
 * raw bytes as the body) stores one content-addressed and answers 201 `{ path, sha256, type, size }`;
 * `GET /files/<name>/<sha256>` (read access) serves it. Returns false for any other path.
 */
export async function handleFiles(deps: FilesDeps, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
  const upload = UPLOAD.exec(path);
  if (upload) {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    await receive(deps, req, res, decodeName(upload[1]!), query);
    return true;
  }
  if (!path.startsWith('/files/')) return false;
  const served = SERVE.exec(path);
  if (!served) throw new ApiError(404, 'not_found', 'no such file');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  await serve(deps, req, res, decodeName(served[1]!), served[2]!, query);
  return true;
}

async function receive(deps: FilesDeps, req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams): Promise<void> {
  await authorize(deps.config.authSecret, req, query, name, 'write', deps.shares);
  const limit = deps.config.maxFileBytes;
  const bytes = await readBody(req, limit, `The image is larger than the ${mib(limit)} limit.`);
  const type = detectImageType(bytes);
  if (!type) throw new ApiError(415, 'unsupported_type', 'Only PNG, JPEG, GIF and WebP images can be uploaded.');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await deps.quota?.checkUpload(name, sha256, bytes.length);
  // Uploading renews the file's time, here and in Redis: the grace period before an unreferenced
  // file is deleted counts from the latest upload, wherever it went.
  const uploadedAt = deps.now();
  deps.collector?.uploaded(name, sha256, uploadedAt);
  const shared = deps.shared?.put(name, sha256, bytes, uploadedAt).catch((err: unknown) => {
    // Local-only mode: this instance serves it; others learn of it when it is uploaded again.
    deps.logger.warn({ doc: name, err }, 'an uploaded file is not in Redis (Redis down)');
  });
  await Promise.all([deps.store.putFile(name, sha256, bytes, uploadedAt), shared]);
  const path = `/files/${encodeURIComponent(name)}/${sha256}`;
  sendJson(res, 201, { path, sha256, type, size: bytes.length });
}

async function serve(deps: FilesDeps, req: IncomingMessage, res: ServerResponse, name: string, sha256: string, query: URLSearchParams): Promise<void> {
  await authorize(deps.config.authSecret, req, query, name, 'read', deps.shares);
  let bytes = await deps.store.readFile(name, sha256);
  if (!bytes && deps.shared) {
    // Uploaded through another instance: fetch it once, then serve it from LevelDB (with the
    // shared upload time, so that caching it does not push its collection back).
    const got = await deps.shared.get(name, sha256).catch(() => undefined);
    if (got) await deps.store.putFile(name, sha256, got.bytes, got.uploadedAt ?? deps.now());
    bytes = got?.bytes;
  }
  if (!bytes) throw new ApiError(404, 'not_found', 'no such file');
  const type = detectImageType(bytes);
  if (!type) throw new ApiError(404, 'not_found', 'no such file'); // only images are ever stored
  if (req.headers['if-none-match'] === `"${sha256}"`) {
    res.writeHead(304, { etag: `"${sha256}"`, 'cache-control': CACHE_CONTROL }).end();
    return;
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': bytes.length,
    'x-content-type-options': 'nosniff',
    'cache-control': CACHE_CONTROL,
    etag: `"${sha256}"`,
    // Opened on its own, an image is still only an image.
    'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
