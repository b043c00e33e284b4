// The bare reference page (bare/: Tiptap + Collaboration + carets on a plain y-websocket
// provider, nothing else), built with the client workspace's Vite into a temp dir and served on
// a free port. Its packages are the repository root's (those the app uses too), not bench/'s
// pinned peers: bench/node_modules holds y-websocket 1.5.4 and a second yjs, which a bundle
// started from bench/ would otherwise pick up next to Tiptap's own yjs.
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../util.mjs';
import { repoRoot } from '../servers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Serves a directory on a free loopback port (unknown paths get index.html). */
async function serveDir(dir) {
  const port = await freePort();
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = path.startsWith(dir) && existsSync(path) && statSync(path).isFile() ? path : join(dir, 'index.html');
    res.setHeader('content-type', types[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(r)) };
}

export async function startBarePage() {
  const rootRequire = createRequire(join(repoRoot, 'client', 'package.json'));
  const { build } = rootRequire('vite');
  const fromRoot = (pkg) => join(repoRoot, 'node_modules', pkg);
  const outDir = mkdtempSync(join(tmpdir(), 'tandem-bare-'));
  await build({
    root: join(here, 'bare'),
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: [{ find: /^yjs$/, replacement: fromRoot('yjs') }, { find: /^y-websocket$/, replacement: fromRoot('y-websocket') }] },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 },
  });
  const site = await serveDir(outDir);
  return {
    url: site.url,
    stop: async () => {
      await site.stop();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
