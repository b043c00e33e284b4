#!/usr/bin/env node
// Embedding budgets (issue 13): how much a host downloads, and how long until the editor is
// usable, for the three ways of embedding Tandem.
//
//   node e2e/scripts/embed-budget.mjs [--runs 5] [--record]
//
// Sizes: gzip (level 9) of the package's own JS (lib/index.js: every dependency external), of
// the package with its non-peer dependencies bundled (what a host's bundle grows by beyond
// react, react-dom, yjs, @tiptap/core and @tiptap/pm), of its CSS, of /embed.js, and of the app
// page's JS for comparison.
// Time: a 100 KB document (500 paragraphs) is stored on a fresh server; then, alternating, in a
// fresh browser context each (no HTTP cache, no IndexedDB copy): a page on another origin imports
// /embed.js and calls mountTandemEditor, and the app page /d/<name> is opened. "Ready" = the
// editor is contenteditable and shows the document's last paragraph (polled every frame).
// --record replaces the embed-budget section of bench/RESULTS.md (and nothing else).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const clientDir = join(root, 'client');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const record = args.includes('--record');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PARAGRAPHS = 500;
const LAST = 'END-OF-THE-BUDGET-DOCUMENT';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const f of ['lib/index.js', 'lib/style.css', 'dist/embed.js', 'dist/index.html']) {
  if (!existsSync(join(clientDir, f))) throw new Error(`client/${f} is missing: run npm run build first`);
}

/** The package with only the peers external: the host-bundle cost beyond the peers. */
async function packageWithDeps() {
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  const out = mkdtempSync(join(tmpdir(), 'tandem-lib-'));
  const peers = Object.keys(JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8')).peerDependencies);
  await build({
    configFile: false,
    root: clientDir,
    logLevel: 'silent',
    plugins: [react()],
    build: {
      outDir: out,
      emptyOutDir: true,
      copyPublicDir: false,
      target: 'es2022',
      lib: { entry: join(clientDir, 'src', 'lib.ts'), formats: ['es'], fileName: () => 'index.js' },
      rollupOptions: { external: (id) => peers.some((p) => id === p || id.startsWith(`${p}/`)), output: { minify: true } },
    },
  });
  const size = gz(readFileSync(join(out, 'index.js')));
  rmSync(out, { recursive: true, force: true });
  return size;
}

function sizes() {
  const assets = join(clientDir, 'dist', 'assets');
  const appJs = readdirSync(assets).filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(readFileSync(join(assets, f))), 0);
  return {
    own: gz(readFileSync(join(clientDir, 'lib', 'index.js'))),
    css: gz(readFileSync(join(clientDir, 'lib', 'style.css'))),
    embed: gz(readFileSync(join(clientDir, 'dist', 'embed.js'))),
    appJs,
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startTandem() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-budget-'));
  const child = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const http = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the server exited while starting');
    if (await fetch(`${http}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 400) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    http,
    ws: `ws://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes ~100 KB of paragraphs and waits until a second client reads all of them back. */
async function seed(wsUrl, name) {
  const opts = { WebSocketPolyfill: WebSocket, disableBc: true };
  const doc = new Y.Doc();
  const writer = new WebsocketProvider(wsUrl, encodeURIComponent(name), doc, opts);
  await new Promise((r) => writer.once('sync', r));
  const line = (i) => `Paragraph ${String(i).padStart(3, '0')}: ${'lorem ipsum dolor sit amet '.repeat(7)}`.slice(0, 200);
  doc.transact(() => {
    const frag = doc.getXmlFragment('default');
    for (let i = 0; i < PARAGRAPHS; i++) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(i === PARAGRAPHS - 1 ? LAST : line(i))]);
      frag.push([p]);
    }
  });
  const chars = doc.getXmlFragment('default').toArray().reduce((n, p) => n + p.get(0).length, 0);
  const reader = new Y.Doc();
  const check = new WebsocketProvider(wsUrl, encodeURIComponent(name), reader, opts);
  for (let i = 0; reader.getXmlFragment('default').length < PARAGRAPHS; i++) {
    if (i > 400) throw new Error('the seeded document did not reach the server');
    await new Promise((r) => setTimeout(r, 50));
  }
  const bytes = Y.encodeStateAsUpdate(reader).length;
  for (const p of [writer, check]) p.destroy();
  return { chars, bytes };
}

const HOST_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>budget host</title></head>
<body><div id="editor" style="height:700px"></div><script type="module">
const q = new URLSearchParams(location.search);
const { mountTandemEditor } = await import(q.get('server') + '/embed.js');
window.__mountAt = performance.now();
mountTandemEditor(document.getElementById('editor'), { document: q.get('doc'), user: { name: 'Budget' } });
</script></body></html>`;

function hostServer() {
  const srv = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HOST_PAGE));
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() })));
}

/** performance.now() of the first frame where the editor is editable and shows the last paragraph. */
const READY = (last) => {
  const host = document.querySelector('tandem-editor');
  const pm = (host?.shadowRoot ?? document).querySelector('.ProseMirror');
  return pm && pm.isContentEditable && pm.lastElementChild?.textContent === last ? performance.now() : null;
};

async function measure(browser, url, isEmbed) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  const ready = await (await page.waitForFunction(READY, LAST, { polling: 'raf', timeout: 60_000 })).jsonValue();
  const mountAt = isEmbed ? await page.evaluate(() => window.__mountAt) : 0;
  await context.close();
  return { fromNavigation: ready, fromMount: ready - mountAt };
}

const size = { ...sizes(), withDeps: await packageWithDeps() };
const load0 = loadavg()[0];
const server = await startTandem();
const host = await hostServer();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const results = { embed: [], app: [] };
let docInfo;
try {
  const name = `budget-${Date.now().toString(36)}`;
  docInfo = await seed(server.ws, name);
  const embedUrl = `${host.origin}/?server=${encodeURIComponent(server.http)}&doc=${encodeURIComponent(name)}`;
  const appUrl = `${server.http}/d/${encodeURIComponent(name)}?name=Budget`;
  await measure(browser, embedUrl, true); // warm-up: the server's first read of the document, disk cache
  await measure(browser, appUrl, false);
  for (let i = 0; i < RUNS; i++) {
    for (const kind of i % 2 ? ['app', 'embed'] : ['embed', 'app']) {
      results[kind].push(await measure(browser, kind === 'embed' ? embedUrl : appUrl, kind === 'embed'));
    }
  }
} finally {
  await browser.close();
  host.close();
  await server.stop();
}
const load1 = loadavg()[0];

const ms = (x) => `${Math.round(x)} ms`;
const m = {
  embedMount: median(results.embed.map((r) => r.fromMount)),
  embedNav: median(results.embed.map((r) => r.fromNavigation)),
  appNav: median(results.app.map((r) => r.fromNavigation)),
};
const section = [
  '<!-- embed-budget:start -->',
  '## Embedding budgets (package, /embed.js, app page)',
  '',
  `\`node e2e/scripts/embed-budget.mjs --record\` — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores, ` +
    `Chromium (Debian), Node ${process.version}, production build, loopback; load average ${load0.toFixed(2)} → ${load1.toFixed(2)} ` +
    '(the machine is shared). Sizes are gzip level 9 of the built files.',
  '',
  '| what a host downloads | gzip |',
  '|---|---|',
  `| \`@tandem/client\` own JS (\`lib/index.js\`, every dependency external) | ${kb(size.own)} |`,
  `| \`@tandem/client\` with its non-peer dependencies bundled (Tiptap React/StarterKit/collaboration, y-websocket, y-indexeddb, y-protocols; peers react, react-dom, yjs, @tiptap/core, @tiptap/pm excluded) | ${kb(size.withDeps)} |`,
  `| \`@tandem/client/style.css\` | ${kb(size.css)} |`,
  `| \`/embed.js\` (everything: React, Tiptap, ProseMirror, Yjs, styles) | ${kb(size.embed)} |`,
  `| the app page's JS, for comparison | ${kb(size.appJs)} |`,
  '',
  `Time to an editable editor showing a ${(docInfo.chars / 1000).toFixed(0)} KB document (${PARAGRAPHS} paragraphs, ` +
    `${(docInfo.bytes / 1024).toFixed(0)} kB of Yjs state), fresh browser context each run (no HTTP cache, no IndexedDB copy), median of ${RUNS}:`,
  '',
  '| | median | runs |',
  '|---|---|---|',
  `| \`mountTandemEditor()\` → ready (page on another origin; embed.js already imported) | ${ms(m.embedMount)} | ${results.embed.map((r) => Math.round(r.fromMount)).join(', ')} |`,
  `| same page, navigation start → ready (includes fetching and evaluating /embed.js) | ${ms(m.embedNav)} | ${results.embed.map((r) => Math.round(r.fromNavigation)).join(', ')} |`,
  `| app page \`/d/<name>\`, navigation start → ready | ${ms(m.appNav)} | ${results.app.map((r) => Math.round(r.fromNavigation)).join(', ')} |`,
  '',
  'Both pages run the same editor code on the same server; the app page fetches its HTML from the Tandem server and ' +
    'then a script and a render-blocking stylesheet, the embedding page (served by a static server) one module with the ' +
    'styles inside. Wall-clock figures on this shared machine move by ±30 % between runs.',
  '',
  '<!-- embed-budget:end -->',
].join('\n');
process.stdout.write(section + '\n');

if (record) {
  const file = join(root, 'bench', 'RESULTS.md');
  const old = readFileSync(file, 'utf8');
  const re = /<!-- embed-budget:start -->[\s\S]*?<!-- embed-budget:end -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}\n`);
  process.stdout.write(`recorded in ${file}\n`);
}
// Something keeps the event loop alive after the browser, the servers and the providers are
// closed (only the stdio pipes are left among the active handles; not Vite's build). Everything
// is written by now, so leave.
process.exit(0);
