#!/usr/bin/env node
// Keystroke latency, person to person: two Chromium browsers on one document, a few hundred
// keystrokes typed in A, and for each the time until the character is in B's DOM.
//
//   node e2e/bench/keystroke-latency.mjs [--keys 300] [--delay 40] [--no-reference] [--record]
//
// Clocks: A timestamps each keydown (capture phase, before the editor sees it) and B timestamps
// each DOM mutation that adds characters, both as performance.timeOrigin + performance.now();
// the browsers run on the same machine, so the two clocks agree to well under a millisecond.
//
// Side by side, same machine, same driver: Tandem (production build: our server, our app page)
// and the reference — a bare Tiptap page on the y-websocket 1.5.4 reference server from bench/
// (skipped with a note if bench/node_modules is not installed).
// --record replaces the keystroke-latency section of bench/RESULTS.md (and nothing else).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir, cpus } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'e2e', 'package.json'));
const { chromium } = require('@playwright/test');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
};
const KEYS = opt('keys', 300);
const DELAY_MS = opt('delay', 40); // between keystrokes: a fast typist, ~25 chars/s
const WARMUP = Math.min(20, Math.floor(KEYS / 10));
const withReference = !args.includes('--no-reference');
const record = args.includes('--record');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const log = (msg) => process.stderr.write(`[latency] ${msg}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, child) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer within 20 s`);
}

async function startProcess(entry, env, healthUrl, cwd) {
  const child = spawn(process.execPath, [entry], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitHttp(healthUrl, child);
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Serves a directory (the bare reference page) on a free port. */
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

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Types KEYS characters in A, returns per-keystroke latency (ms) until each shows in B. */
async function measure(label, urlA, urlB, waitReady) {
  const [browserA, browserB] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
  try {
    const a = await browserA.newPage();
    const b = await browserB.newPage();
    const errors = [];
    for (const p of [a, b]) p.on('pageerror', (e) => errors.push(e.message));
    await Promise.all([a.goto(urlA), b.goto(urlB)]);
    await waitReady(a, b);

    await b.evaluate(() => {
      const editor = document.querySelector('.ProseMirror');
      // Peers' caret labels are text in the DOM too; count only the document's own text.
      const skipCarets = { acceptNode: (n) => (n.parentElement?.closest('.collaboration-carets__caret') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) };
      const textLength = () => {
        const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT, skipCarets);
        let n = 0;
        while (walker.nextNode()) n += walker.currentNode.length;
        return n;
      };
      window.__arrivals = [];
      new MutationObserver(() => {
        const t = performance.timeOrigin + performance.now();
        const n = textLength();
        while (window.__arrivals.length < n) window.__arrivals.push(t);
      }).observe(editor, { childList: true, subtree: true, characterData: true });
    });
    await a.evaluate(() => {
      window.__sent = [];
      window.addEventListener('keydown', () => window.__sent.push(performance.timeOrigin + performance.now()), true);
    });

    await a.locator('.ProseMirror').click();
    const sentence = 'the quick brown fox jumps over the lazy dog ';
    const text = sentence.repeat(Math.ceil(KEYS / sentence.length)).slice(0, KEYS);
    log(`${label}: typing ${KEYS} keys, ${DELAY_MS} ms apart`);
    await a.keyboard.type(text, { delay: DELAY_MS });
    await b.waitForFunction((n) => window.__arrivals.length >= n, KEYS, { timeout: 30_000 });

    const sent = await a.evaluate(() => window.__sent);
    const arrivals = await b.evaluate(() => window.__arrivals);
    const bText = await b.evaluate(() => document.querySelector('.ProseMirror').innerText);
    if (!bText.includes(text.trim())) throw new Error(`${label}: B does not hold the typed text`);
    if (errors.length) throw new Error(`${label}: page errors: ${errors.join('; ')}`);
    if (sent.length !== KEYS) throw new Error(`${label}: expected ${KEYS} keydowns, saw ${sent.length}`);
    const lat = [];
    for (let i = WARMUP; i < KEYS; i++) lat.push(arrivals[i] - sent[i]);
    lat.sort((x, y) => x - y);
    return {
      label,
      n: lat.length,
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      p99: percentile(lat, 99),
      max: lat[lat.length - 1],
      mean: lat.reduce((s, x) => s + x, 0) / lat.length,
    };
  } finally {
    await Promise.all([browserA.close(), browserB.close()]);
  }
}

async function runTandem() {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-latency-'));
  const server = await startProcess(join(root, 'server', 'dist', 'main.js'), { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, `http://127.0.0.1:${port}/healthz`, root);
  try {
    const doc = `latency-${Date.now()}`;
    const page = (name) => `http://127.0.0.1:${port}/d/${doc}?name=${name}`;
    return await measure('Tandem (app + server)', page('Typist'), page('Watcher'), async (a, b) => {
      for (const p of [a, b]) await p.locator('[role="status"][data-status="connected"]').waitFor();
      await b.locator('.tandem-avatar[data-user-name="Typist"]').waitFor();
    });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runReference() {
  const entry = join(root, 'bench', 'node_modules', 'y-websocket', 'bin', 'server.js');
  if (!existsSync(entry)) {
    log('reference skipped: bench/node_modules/y-websocket is not installed (cd bench && npm ci)');
    return null;
  }
  const { build } = require('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'tandem-bare-'));
  await build({ root: join(here, 'bare'), logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  const port = process.env.REF_PORT ? Number(process.env.REF_PORT) : await freePort();
  const server = process.env.REF_PORT ? { stop: async () => {} } : await startProcess(entry, { PORT: String(port), HOST: '127.0.0.1' }, `http://127.0.0.1:${port}/`, join(root, 'bench'));
  const site = await serveDir(outDir);
  try {
    const doc = `latency-${Date.now()}`;
    const page = (name) => `${site.url}/?ws=ws://127.0.0.1:${port}&doc=${doc}&name=${name}`;
    return await measure('Reference (bare Tiptap, y-websocket 1.5.4 server)', page('Typist'), page('Watcher'), async (a, b) => {
      for (const p of [a, b]) await p.waitForFunction(() => window.__synced === true);
      await b.locator('.ProseMirror').waitFor();
    });
  } finally {
    await site.stop();
    await server.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

const fmt = (x) => x.toFixed(1).padStart(6);
const results = process.env.REF_PORT ? [] : [await runTandem()];
if (withReference) {
  const ref = await runReference();
  if (ref) results.push(ref);
}

const lines = [
  `| setup | keystrokes | p50 ms | p95 ms | p99 ms | max ms | mean ms |`,
  `|---|---:|---:|---:|---:|---:|---:|`,
  ...results.map((r) => `| ${r.label} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.mean)} |`),
];
process.stdout.write(lines.join('\n') + '\n');

if (record) {
  const file = join(root, 'bench', 'RESULTS.md');
  const START = '<!-- keystroke-latency:start -->';
  const END = '<!-- keystroke-latency:end -->';
  const section = [
    START,
    '## Keystroke latency (person to person)',
    '',
    `\`node e2e/bench/keystroke-latency.mjs --record\` — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `${cpus().length} cores, Chromium (Debian), Node ${process.version}. Two browsers on one document; ` +
      `${KEYS} keystrokes typed in A ${DELAY_MS} ms apart (first ${WARMUP} dropped as warm-up); latency = ` +
      'keydown in A → character in B\'s DOM (MutationObserver), both stamped with performance.timeOrigin + now().',
    '',
    ...lines,
    END,
  ].join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const s = old.indexOf(START);
  const e = old.indexOf(END);
  const next = s >= 0 && e > s ? old.slice(0, s) + section + old.slice(e + END.length) : (old ? old.replace(/\n*$/, '\n\n') : '') + section + '\n';
  writeFileSync(file, next);
  log(`recorded in ${file}`);
}
