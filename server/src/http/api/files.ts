import { createHash } from 'node:crypto';
import { detectImageType } from '../../files/imageType.js';
import { ApiError, readBody, sendJson, type ApiDeps, type ApiRequest } from './context.js';
import type { Route } from './router.js';

const SHA256 = /^[0-9a-f]{64}$/;
/** A year, and `immutable`: the URL is the content's hash. `private`: it may need a token. */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** Stores an image of the document (an upload, or one in an imported .docx), within its quota. */
export async function keepFile(deps: ApiDeps, name: string, sha256: string, bytes: Uint8Array): Promise<void> {
  // Uploading renews the file's time (with scale-out, in Redis too): the grace period before an
  // unreferenced file is deleted counts from the latest upload, wherever it went.
  const uploadedAt = deps.now();
  const { store, collector, quota } = deps.files;
  await quota?.checkUpload(name, sha256, bytes.length);
  collector?.uploaded(name, sha256, uploadedAt);
  await store.putFile(name, sha256, bytes, uploadedAt);
}

/** `POST /api/docs/<name>/files`: the raw bytes of one image → 201 `{ path, sha256, type, size }`. */
async function receive({ deps, req, res, name }: ApiRequest): Promise<void> {
  const limit = deps.config.maxFileBytes;
  const bytes = await readBody(req, limit, `The image is larger than the ${mib(limit)} limit.`);
  const type = detectImageType(bytes);
  if (!type) throw new ApiError(415, 'Only PNG, JPEG, GIF and WebP images can be uploaded.');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await keepFile(deps, name, sha256, bytes);
  sendJson(res, 201, { path: `/files/${encodeURIComponent(name)}/${sha256}`, sha256, type, size: bytes.length });
}

/** `GET /files/<name>/<sha256>`: one image of the document. */
async function serve({ deps, req, res, name, params }: ApiRequest): Promise<void> {
  const sha256 = params.sha256!;
  if (!SHA256.test(sha256)) throw new ApiError(404, 'no such file');
  const bytes = await deps.files.store.readFile(name, sha256);
  if (!bytes) throw new ApiError(404, 'no such file');
  const type = detectImageType(bytes);
  if (!type) throw new ApiError(404, 'no such file'); // only images are ever stored
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

/** Images of a document (DESIGN.md, "HTTP API"): uploads need write, reading them read. */
export const fileRoutes: Route[] = [
  { method: 'POST', path: 'api/docs/:name/files', access: 'write', handle: receive },
  { method: 'GET', path: 'files/:name/:sha256', access: 'read', handle: serve },
];
