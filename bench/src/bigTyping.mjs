#!/usr/bin/env node
// Typing in a large document, on the built server (`node scripts/build.mjs` first):
// `node --expose-gc bench/src/bigTyping.mjs [MB] [seconds] [hz]` writes a document of MB
// (default 20) made of replays of the editing trace (J's document) through one client, then one
// client types into it at hz (default 10) for seconds (default 60) while another receives, and
// prints keystroke delivery (p50/p99/max), the server's CPU and its longest stalls seen from
// outside (the gaps between deliveries of a steady stream). The work a server does on the whole
// document while people type (storing, compaction, search, versions) shows up here as stalls:
// every document on the instance waits for it. `BENCH_TANDEM_ENV` applies as in the bench.
// Figures, not assertions (bench/RESULTS.md, "Reading this run").
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as Y from 'yjs';
import { RawClient } from './clients.mjs';
import { cpuMs } from './proc.mjs';
import { benchDir, ServerProcess } from './servers.mjs';
import { traceDocUpdates } from './trace.mjs';
import { nowMs, pct, sleep, withTimeout } from './util.mjs';

const MB = Number(process.argv[2] ?? 20);
const SECONDS = Number(process.argv[3] ?? 60);
const HZ = Number(process.argv[4] ?? 10);
const name = 'big-typing';
const lengthOf = (u) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(u.length);
  return len;
};

const t0 = Date.now();
// J's own file (4-byte big-endian length, then the update), made once and kept
const cache = join(benchDir, '.cache', `j-trace-${MB}mb.bin`);
if (!existsSync(cache)) {
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, Buffer.concat(traceDocUpdates(MB * 2 ** 20).updates.flatMap((u) => [lengthOf(u), u])));
}
const updates = [];
for (let buf = readFileSync(cache), at = 0; at < buf.length; at += 4 + buf.readUInt32BE(at)) updates.push(buf.subarray(at + 4, at + 4 + buf.readUInt32BE(at)));
// the state the server must reach; the document itself is not kept here (see the typist below)
let sv;
{
  const whole = new Y.Doc();
  for (const u of updates) Y.applyUpdate(whole, u);
  sv = Y.encodeStateVector(whole);
  whole.destroy();
}
globalThis.gc?.();
console.log(`document: ${updates.length} replays of the trace, ${(updates.reduce((n, u) => n + u.length, 0) / 2 ** 20).toFixed(1)} MB of updates (${((Date.now() - t0) / 1000).toFixed(1)} s to make)`);

const server = await new ServerProcess('tandem').start();
try {
  const writer = new RawClient('yws', server.url, name);
  await withTimeout(writer.synced, 30000, 'writer sync');
  let t = Date.now();
  for (const u of updates) writer.sendUpdate(u);
  // the document is in once a fresh client's first sync holds the writer's whole state vector
  for (;;) {
    let step2 = null;
    const check = new RawClient('yws', server.url, name, { onUpdate: (u, isStep2) => { if (isStep2) step2 = u; } });
    await withTimeout(check.synced, 120000, 'check sync').catch(() => {}).finally(() => check.close());
    if (step2 && Buffer.compare(Buffer.from(Y.encodeStateVectorFromUpdate(step2)), Buffer.from(sv)) === 0) break;
    if (Date.now() - t > 180000) throw new Error('the server does not hold the document after 180 s');
    await sleep(500);
  }
  console.log(`written through one client in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  await sleep(3000); // what the write started (its index pass) settles

  const sent = new Map();
  const got = [];
  // The typist types into a root of its own: its updates need nothing of the large document, so
  // this process holds none of it (its own pauses would read as the server's), while the
  // server applies them to, stores, compacts and indexes the whole document as ever.
  const doc = new Y.Doc();
  const text = doc.getText('typing');
  const receiver = new RawClient('yws', server.url, name, {
    onUpdate: (u, isStep2) => {
      if (isStep2) return;
      const at = nowMs();
      const meta = Y.parseUpdateMeta(u);
      const clock = meta.to.get(doc.clientID);
      if (clock !== undefined && sent.has(clock)) got.push({ at, ms: at - sent.get(clock) });
    },
  });
  await withTimeout(receiver.synced, 120000, 'receiver sync');
  doc.on('update', (u) => {
    sent.set(Y.parseUpdateMeta(u).to.get(doc.clientID), nowMs());
    writer.sendUpdate(u);
  });
  const cpu0 = cpuMs(server.pid);
  const start = nowMs();
  console.log(`typing from ${new Date().toISOString()}`);
  for (let i = 0; nowMs() - start < SECONDS * 1000; i++) {
    text.insert(i % 50, 'x');
    const next = start + (i + 1) * (1000 / HZ);
    await sleep(Math.max(0, next - nowMs()));
  }
  await sleep(3000);
  const cpu = (cpuMs(server.pid) - cpu0) / (nowMs() - start) * 100;
  const ms = got.map((g) => g.ms).sort((a, b) => a - b);
  const gaps = got.slice(1).map((g, i) => ({ ms: g.at - got[i].at, at: (got[i].at - start) / 1000 })).sort((a, b) => b.ms - a.ms);
  console.log(`${HZ} keystrokes a second for ${SECONDS} s into the ${MB} MB document: ${got.length} of ${sent.size} delivered;` +
    ` delivery p50 ${pct(ms, 50).toFixed(1)} p99 ${pct(ms, 99).toFixed(1)} max ${ms[ms.length - 1].toFixed(0)} ms;` +
    ` longest gaps between deliveries ${gaps.slice(0, 5).map((g) => `${g.ms.toFixed(0)} (at ${g.at.toFixed(1)} s)`).join(', ')} ms (steady: ${(1000 / HZ).toFixed(0)});` +
    ` server CPU ${cpu.toFixed(0)} % of a core, RSS ${(server.rss() / 2 ** 20).toFixed(0)} MB`);
  receiver.close();
  writer.close();
} finally {
  await server.stop();
}
