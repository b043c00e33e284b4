import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem</title></head>
<body><main><h1>Tandem</h1><p>The relay is running, but the editor has not been built.
Run <code>npm run build</code> (or <code>npm start</code>, which builds what is missing).</p></main></body></html>`;

/**
 * Serves the built client; app routes (anything not a file) get index.html. HTML pages also send
 * `htmlHeaders` (http/securityHeaders.ts).
 */
export function serveStatic(clientDir: string, path: string, req: IncomingMessage, res: ServerResponse, htmlHeaders: Record<string, string> = {}): void {
  let rel: string;
  try {
    rel = decodeURIComponent(path);
  } catch {
    rel = '/';
  }
  const file = normalize(join(clientDir, rel));
  const inside = file.startsWith(clientDir + sep);
  if (inside && existsSync(file) && statSync(file).isFile()) {
    const hashed = rel.startsWith('/assets/');
    const extra = extname(file) === '.html' ? htmlHeaders : {};
    send(res, req, file, TYPES[extname(file)] ?? 'application/octet-stream', hashed ? 'public, max-age=31536000, immutable' : 'no-cache', extra);
    return;
  }
  if (extname(rel) !== '' && !rel.startsWith('/d/')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const index = join(clientDir, 'index.html');
  if (existsSync(index)) {
    send(res, req, index, TYPES['.html']!, 'no-cache', htmlHeaders);
  } else {
    res.writeHead(200, { ...htmlHeaders, 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' }).end(PLACEHOLDER);
  }
}

function send(res: ServerResponse, req: IncomingMessage, file: string, type: string, cache: string, extra: Record<string, string> = {}): void {
  const size = statSync(file).size;
  res.writeHead(200, { ...extra, 'content-type': type, 'content-length': size, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
