#!/usr/bin/env node
// Keystroke latency, person to person: two Chromium browsers on one document, a few hundred
// keystrokes typed in A, and for each the time until the character is in B's DOM.
//
//   node e2e/bench/keystroke-latency.mjs [--keys 300] [--rounds 3] [--delay 40] [--only app,bare,reference] [--no-reference] [--record]
//
// Each round types --keys characters in every setup (alternating the order), so that load from
// anything else on the machine hits all alike; figures are over all rounds. WebSocket frames are timestamped too, which splits each latency into: A (keydown →
// update sent), relay (sent by A → received by B: network + server) and B (received → in DOM).
//
// Clocks: A timestamps each keydown (capture phase, before the editor sees it) and B timestamps
// each DOM mutation that adds characters, both as performance.timeOrigin + performance.now();
// the browsers run on the same machine, so the two clocks agree to well under a millisecond.
//
// Side by side, same machine, same driver: Tandem (production build: our server, our app page),
// the reference — a bare Tiptap page on the y-websocket 1.5.4 reference server from bench/
// (skipped with a note if bench/node_modules is not installed) — and the bare page on our
// server, which tells client cost from server cost.
// --record replaces the keystroke-latency section of bench/RESULTS.md (and nothing else).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir, cpus, loadavg } from 'node:os';
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
const ROUNDS = opt('rounds', 3);
const DELAY_MS = opt('delay', 40); // between keystrokes: a fast typist, ~25 chars/s
const WARMUP = Math.min(20, Math.floor(KEYS / 10));
const withReference = !args.includes('--no-reference');
// --only app,bare,reference: run a subset (e.g. `--only app,bare` to compare just the client)
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] ?? '' : 'app,bare,reference';
const only = new Set(onlyArg.split(','));
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

const children = new Set();
// Whatever happens (a failed start, an exception mid-run), never leave servers behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});

async function startProcess(entry, env, healthUrl, cwd) {
  const child = spawn(process.execPath, [entry], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  try {
    await waitHttp(healthUrl, child);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
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

/** Timestamps every WebSocket frame (y-websocket update = bytes 0,2) in the page. */
function instrumentSockets() {
  const Native = window.WebSocket;
  const now = () => performance.timeOrigin + performance.now();
  const isUpdate = (d) => {
    const b = d instanceof ArrayBuffer ? new Uint8Array(d) : d instanceof Uint8Array ? d : null;
    return b !== null && b[0] === 0 && b[1] === 2;
  };
  window.__updatesSent = [];
  window.__updatesReceived = [];
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      // registered before y-websocket's onmessage, so it runs first
      this.addEventListener('message', (e) => {
        if (isUpdate(e.data)) window.__updatesReceived.push(now());
      });
    }
    send(data) {
      if (isUpdate(data)) window.__updatesSent.push(now());
      return super.send(data);
    }
  };
}

/** Types KEYS characters in A; per keystroke: total, A, relay and B times in ms. */
async function measure(label, urlA, urlB, waitReady) {
  const [browserA, browserB] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
  try {
    const a = await browserA.newPage();
    const b = await browserB.newPage();
    const errors = [];
    for (const p of [a, b]) {
      p.on('pageerror', (e) => errors.push(e.message));
      await p.addInitScript(instrumentSockets);
    }
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
      window.__updatesReceived.length = 0;
      new MutationObserver(() => {
        const t = performance.timeOrigin + performance.now();
        const n = textLength();
        while (window.__arrivals.length < n) window.__arrivals.push(t);
      }).observe(editor, { childList: true, subtree: true, characterData: true });
    });
    await a.locator('.ProseMirror').click();
    await a.evaluate(() => {
      window.__sent = [];
      window.__updatesSent.length = 0;
      window.addEventListener('keydown', () => window.__sent.push(performance.timeOrigin + performance.now()), true);
    });

    const sentence = 'the quick brown fox jumps over the lazy dog ';
    const text = sentence.repeat(Math.ceil(KEYS / sentence.length)).slice(0, KEYS);
    log(`${label}: typing ${KEYS} keys, ${DELAY_MS} ms apart`);
    await a.keyboard.type(text, { delay: DELAY_MS });
    await b.waitForFunction((n) => window.__arrivals.length >= n, KEYS, { timeout: 30_000 });

    const sent = await a.evaluate(() => window.__sent);
    const upSent = await a.evaluate(() => window.__updatesSent);
    const upRecv = await b.evaluate(() => window.__updatesReceived);
    const arrivals = await b.evaluate(() => window.__arrivals);
    const bText = await b.evaluate(() => document.querySelector('.ProseMirror').innerText);
    if (!bText.includes(text.trim())) throw new Error(`${label}: B does not hold the typed text`);
    if (errors.length) throw new Error(`${label}: page errors: ${errors.join('; ')}`);
    if (sent.length !== KEYS) throw new Error(`${label}: expected ${KEYS} keydowns, saw ${sent.length}`);
    // One update frame per keystroke is what both clients do at this pace; if not, skip the split.
    const split = upSent.length === KEYS && upRecv.length === KEYS;
    if (!split) log(`${label}: ${upSent.length} updates sent / ${upRecv.length} received for ${KEYS} keys: no A/relay/B split this round`);
    const rows = [];
    for (let i = WARMUP; i < KEYS; i++) {
      rows.push({
        total: arrivals[i] - sent[i],
        a: split ? upSent[i] - sent[i] : NaN,
        relay: split ? upRecv[i] - upSent[i] : NaN,
        b: split ? arrivals[i] - upRecv[i] : NaN,
      });
    }
    return rows;
  } finally {
    await Promise.all([browserA.close(), browserB.close()]);
  }
}

function summarize(label, rows) {
  const stats = (xs) => {
    const v = xs.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
    if (v.length === 0) return null;
    return { p50: percentile(v, 50), p95: percentile(v, 95), p99: percentile(v, 99), max: v[v.length - 1], mean: v.reduce((s, x) => s + x, 0) / v.length };
  };
  return {
    label,
    n: rows.length,
    ...stats(rows.map((r) => r.total)),
    a: stats(rows.map((r) => r.a)),
    relay: stats(rows.map((r) => r.relay)),
    b: stats(rows.map((r) => r.b)),
  };
}

function buildTandem() {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
}

async function startTandemServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-latency-'));
  const server = await startProcess(join(root, 'server', 'dist', 'main.js'), { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, `http://127.0.0.1:${port}/healthz`, root);
  return {
    port,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startReferenceServer() {
  const entry = join(root, 'bench', 'node_modules', 'y-websocket', 'bin', 'server.js');
  if (!existsSync(entry)) {
    log('reference server skipped: bench/node_modules/y-websocket is not installed (cd bench && npm ci)');
    return null;
  }
  const port = await freePort();
  const server = await startProcess(entry, { PORT: String(port), HOST: '127.0.0.1' }, `http://127.0.0.1:${port}/`, join(root, 'bench'));
  return { port, stop: () => server.stop() };
}

/** The bare reference page, built with Vite into a temp dir and served on its own port. */
async function startBarePage() {
  const { build } = require('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'tandem-bare-'));
  await build({ root: join(here, 'bare'), logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 } });
  const site = await serveDir(outDir);
  return {
    url: site.url,
    stop: async () => {
      await site.stop();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

function appSetup(label, port) {
  return {
    label,
    run: (round) => {
      const doc = `latency-${Date.now()}-${round}`;
      const page = (name) => `http://127.0.0.1:${port}/d/${doc}?name=${name}`;
      return measure(label, page('Typist'), page('Watcher'), async (a, b) => {
        for (const p of [a, b]) await p.locator('[role="status"][data-status="connected"]').waitFor();
        await b.locator('.tandem-avatar[data-user-name="Typist"]').waitFor();
      });
    },
  };
}

function bareSetup(label, siteUrl, wsPort) {
  return {
    label,
    run: (round) => {
      const doc = `latency-${Date.now()}-${round}`;
      const page = (name) => `${siteUrl}/?ws=ws://127.0.0.1:${wsPort}&doc=${doc}&name=${name}`;
      return measure(label, page('Typist'), page('Watcher'), async (a, b) => {
        for (const p of [a, b]) await p.waitForFunction(() => window.__synced === true);
        await b.locator('.ProseMirror').waitFor();
      });
    },
  };
}

const fmt = (x) => (x === undefined ? '     –' : x.toFixed(1).padStart(6));
process.on('unhandledRejection', (err) => {
  process.stderr.write(`[latency] failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
buildTandem();
const stoppers = [];
const tandem = await startTandemServer();
stoppers.push(tandem);
const setups = only.has('app') ? [appSetup('Tandem: app on Tandem server', tandem.port)] : [];
if (withReference && (only.has('bare') || only.has('reference'))) {
  const bare = await startBarePage();
  stoppers.push(bare);
  // The same bare page on both servers separates what the client costs from what the server costs.
  if (only.has('bare')) setups.push(bareSetup('Bare Tiptap page on Tandem server', bare.url, tandem.port));
  const ref = only.has('reference') ? await startReferenceServer() : null;
  if (ref) {
    stoppers.push(ref);
    setups.push(bareSetup('Reference: bare Tiptap page on y-websocket 1.5.4 server', bare.url, ref.port));
  }
}
const loadBefore = loadavg()[0];
const rows = setups.map(() => []);
try {
  for (let round = 0; round < ROUNDS; round++) {
    // alternate who goes first, so slow drift in machine load does not favour one side
    const order = round % 2 === 0 ? setups.map((_, i) => i) : setups.map((_, i) => i).reverse();
    for (const i of order) rows[i].push(...(await setups[i].run(round)));
  }
} finally {
  for (const s of stoppers) await s.stop();
}
const loadAfter = loadavg()[0];
const results = setups.map((s, i) => summarize(s.label, rows[i]));

const lines = [
  `| setup | keystrokes | p50 ms | p95 ms | p99 ms | max ms | mean ms |`,
  `|---|---:|---:|---:|---:|---:|---:|`,
  ...results.map((r) => `| ${r.label} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.mean)} |`),
  '',
  'Where the time goes (p50 / p95 ms): A = keydown → update frame sent; relay = sent by A → received by B (network + server); B = received → character in the DOM.',
  '',
  `| setup | A | relay | B |`,
  `|---|---:|---:|---:|`,
  ...results.map((r) => `| ${r.label} | ${[r.a, r.relay, r.b].map((x) => (x ? `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)}` : '–')).join(' | ')} |`),
];
// The two questions the numbers answer: is the whole thing slower than the reference, and is
// that the client (app vs bare page on the same server) or the server (same page, two servers)?
const [app, bareOnTandem, reference] = results.length === 3 ? results : [];
const delta = (x, y) => {
  const d = (k) => `${x[k] - y[k] >= 0 ? '+' : '−'}${Math.abs(x[k] - y[k]).toFixed(1)}`;
  return `p50 ${d('p50')} ms, p95 ${d('p95')} ms`;
};
if (app && bareOnTandem && reference) {
  lines.push(
    '',
    `Tandem vs reference: ${delta(app, reference)}. Of that, client (app vs bare page, same Tandem server): ${delta(app, bareOnTandem)}; ` +
      `server (bare page, Tandem vs y-websocket server): ${delta(bareOnTandem, reference)}.`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
process.stdout.write(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`);

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
      `${ROUNDS} rounds of ${KEYS} keystrokes typed in A ${DELAY_MS} ms apart (first ${WARMUP} of each dropped as warm-up), ` +
      `setups alternating; load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} (other benchmarks may share the machine). Latency = ` +
      'keydown in A → character in B\'s DOM (MutationObserver), both stamped with performance.timeOrigin + now().',
    '',
    ...lines,
    '',
    'Rows of one run are comparable (same machine, same minute, rounds interleaved); across runs on this shared 2-core machine p95 moves by several ms, so read the deltas, not the absolute figures.',
    END,
  ].join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const s = old.indexOf(START);
  const e = old.indexOf(END);
  const next = s >= 0 && e > s ? old.slice(0, s) + section + old.slice(e + END.length) : (old ? old.replace(/\n*$/, '\n\n') : '') + section + '\n';
  writeFileSync(file, next);
  log(`recorded in ${file}`);
}
