#!/usr/bin/env node
// Measures the history feature's costs against the built server (node server/dist/main.js):
//  1. export of the automerge-paper document (≈105,000 characters, one paragraph per line) in
//     each format: wall time of GET …/export, which converts in a worker thread;
//  2. typing latency on another document, alone and while ten exports run at once.
// Usage: node server/scripts/measure-history.mjs   (after `node scripts/build.mjs`)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const root = resolve(import.meta.dirname, '..', '..');
const trace = JSON.parse(gunzipSync(readFileSync(join(root, 'bench', 'data', 'automerge-paper.json.gz'))).toString());
const text = trace.endContent;

const dataDir = mkdtempSync(join(tmpdir(), 'tandem-measure-'));
const proc = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js')], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((res) => createInterface({ input: proc.stdout }).on('line', (l) => {
  try {
    const r = JSON.parse(l);
    if (r.port) res(r.port);
  } catch { /* not a log line */ }
}));
const base = `http://127.0.0.1:${port}`;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

// The document as the editor stores it: one paragraph per line.
const doc = new Y.Doc();
const fragment = doc.getXmlFragment('default');
doc.transact(() => {
  fragment.insert(0, text.split('\n').map((line) => {
    const p = new Y.XmlElement('paragraph');
    if (line) p.insert(0, [new Y.XmlText(line)]);
    return p;
  }));
});
const state = Y.encodeStateAsUpdate(doc);
let r = await fetch(`${base}/api/docs/paper/import`, { method: 'PUT', headers: { 'content-type': 'application/vnd.yjs.doc' }, body: state });
if (!r.ok) throw new Error(`import: ${r.status} ${await r.text()}`);
console.log(`paper document: ${text.length} characters, ${fragment.length} paragraphs, ${state.length} bytes as an update`);

async function timedExport(format) {
  const t = performance.now();
  const res = await fetch(`${base}/api/docs/paper/export?format=${format}`);
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`export ${format}: ${res.status}`);
  return { ms: performance.now() - t, bytes: body.byteLength };
}

for (const format of ['md', 'html', 'txt', 'json', 'yjs']) {
  await timedExport(format); // warm-up (worker start, JIT)
  const times = [];
  let bytes = 0;
  for (let i = 0; i < 15; i++) ({ ms: times[i], bytes } = await timedExport(format));
  console.log(`export ${format.padEnd(4)} median ${pct(times, 0.5).toFixed(1)} ms  p90 ${pct(times, 0.9).toFixed(1)} ms  (${bytes} bytes)`);
}

/** Typing at 50 Hz on another document for `ms`; latency from one client's insert to another's receipt. */
async function typing(ms, during) {
  const make = () => {
    const d = new Y.Doc();
    const p = new WebsocketProvider(`ws://127.0.0.1:${port}`, 'typing', d, { WebSocketPolyfill: WebSocket, disableBc: true });
    return { d, p, synced: new Promise((res) => p.once('sync', res)) };
  };
  const w = make();
  const o = make();
  await Promise.all([w.synced, o.synced]);
  const sent = new Map();
  const lat = [];
  o.d.getText('t').observe((e) => {
    for (const d of e.delta) if (typeof d.insert === 'string') for (const ch of d.insert.split('|')) if (sent.has(ch)) lat.push(performance.now() - sent.get(ch));
  });
  let i = 0;
  const timer = setInterval(() => {
    const key = `k${i++}`;
    sent.set(key, performance.now());
    w.d.getText('t').insert(w.d.getText('t').length, `|${key}|`);
  }, 20);
  const load = during ? during() : Promise.resolve();
  await new Promise((res) => setTimeout(res, ms));
  clearInterval(timer);
  const extra = await load;
  await new Promise((res) => setTimeout(res, 300));
  for (const c of [w, o]) { c.p.destroy(); c.d.destroy(); }
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: Math.max(...lat), n: lat.length, extra };
}

const alone = await typing(3000);
console.log(`typing alone:              p50 ${alone.p50.toFixed(2)} ms  p99 ${alone.p99.toFixed(2)} ms  max ${alone.max.toFixed(1)} ms  (${alone.n} edits)`);
const busy = await typing(3000, async () => {
  const t = performance.now();
  const each = await Promise.all(Array.from({ length: 10 }, () => timedExport('html')));
  return { total: performance.now() - t, each: each.map((e) => e.ms) };
});
console.log(`typing during 10 exports:  p50 ${busy.p50.toFixed(2)} ms  p99 ${busy.p99.toFixed(2)} ms  max ${busy.max.toFixed(1)} ms  (${busy.n} edits)`);
console.log(`ten concurrent html exports: all done in ${busy.extra.total.toFixed(0)} ms (slowest ${Math.max(...busy.extra.each).toFixed(0)} ms)`);

proc.kill('SIGTERM');
await new Promise((res) => proc.once('exit', res));
rmSync(dataDir, { recursive: true, force: true });
