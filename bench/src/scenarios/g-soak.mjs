// G. Soak (Tandem only; `npm run bench -- --only=G [--minutes=30]`, never in a full run): 500
// people (real y-websocket providers, g-soak.worker.mjs) join and leave 200 documents, read, type
// and move their cursors for 30 minutes; SIGTERM and a restart on the same data dir halfway. RSS,
// V8 heap (after a forced GC) and open fds sampled every 10 s, growth after warm-up per server
// process; at the end every change any client made is looked for in the server's documents.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import * as Y from 'yjs';
import { ServerProcess, benchDir, workDir } from '../servers.mjs';
import { sleep } from '../util.mjs';
import * as report from '../soakReport.mjs';

export const id = 'G';
export const title = 'G. Soak: clients joining and leaving documents, restart halfway';
export const inFull = false;
export const ownSection = 'soak';
export const metrics = report.metrics;
export const targets = report.targets;
export const section = (cases, info) => report.section({ title }, cases, info);

/** The run's shape: the soak, or its smoke form (seconds, small: the code path and the lost-update check). */
function plan(ctx) {
  if (ctx.smoke) {
    return {
      minutes: 0.1, clients: 16, docs: 6, sampleMs: 500,
      pace: { rampMs: 500, sessionMs: 2000, navigateMs: [50, 200], readMs: [200, 800], keyMs: [20, 60], thinkMs: [30, 100] },
    };
  }
  const raw = ctx.opt('minutes') ?? process.env.BENCH_SOAK_MINUTES ?? '30';
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 1) throw new Error(`G: --minutes (or BENCH_SOAK_MINUTES) must be a number ≥ 1, got "${raw}"`);
  return { minutes, clients: 500, docs: 200, sampleMs: 10000, pace: {} };
}

export const budgetMs = (ctx) => plan(ctx).minutes * 60000 + 180000;
export const smokeBudgetMs = 20000;

/** The V8 heap after a full GC: the preload writes process.memoryUsage() after the GC that SIGUSR2 forces. */
async function heapAfterGc(server, file, seqs) {
  server.proc.kill('SIGUSR2');
  const t = Date.now();
  while (Date.now() - t < 3000) {
    try {
      const m = JSON.parse(readFileSync(file, 'utf8'));
      if (m.pid === server.pid && m.seq > (seqs.get(server.pid) ?? 0)) {
        seqs.set(server.pid, m.seq);
        return m;
      }
    } catch {
      // not written yet, or being replaced
    }
    await sleep(10);
  }
  return null;
}

/** Threads of the server (Tandem's conversion workers, started on first use, are threads: they explain RSS steps). */
function threads(pid) {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function gauges(server) {
  try {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const g = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { conns: g('tandem_connections'), docsLoaded: g('tandem_documents_loaded') };
  } catch {
    return { conns: NaN, docsLoaded: NaN };
  }
}

/** The documents' own V8 heap in a fresh process (../docHeap.mjs): their share of the server's heap growth. */
function docHeap(snap) {
  const file = join(workDir, `g-snap-${process.pid}-${Math.round(snap.t)}.v8`);
  writeFileSync(file, serialize(snap.states));
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'docHeap.mjs');
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', script, file]).toString());
}

/** Each document as the server gives it to a fresh client, against the union of its clients' copies; each change looked up. */
async function check(ctx, server, names, finished) {
  const states = await ctx.workers.list[0].call('gFetch', { url: server.url, names });
  let identical = 0;
  let missingChars = 0;
  let unrecordedChars = 0;
  for (const name of names) {
    const e = new Y.Doc();
    for (const f of finished) if (f.expected[name]) Y.applyUpdate(e, f.expected[name]);
    const d = new Y.Doc();
    if (states[name]) Y.applyUpdate(d, states[name]);
    const se = Y.decodeStateVector(Y.encodeStateVector(e));
    const sd = Y.decodeStateVector(Y.encodeStateVector(d));
    for (const [c, k] of se) missingChars += Math.max(0, k - (sd.get(c) ?? 0));
    for (const [c, k] of sd) unrecordedChars += Math.max(0, k - (se.get(c) ?? 0)); // the accounting missed a session
    if (e.getText('t').toString() === d.getText('t').toString()) identical++;
  }
  const counts = await ctx.workers.all('gCount', { states });
  const sum = (k) => counts.reduce((a, c) => a + c[k], 0);
  return {
    updates: sum('inserts') + sum('deletes'), lost: sum('lostInserts') + sum('lostDeletes'),
    lostInserts: sum('lostInserts'), lostDeletes: sum('lostDeletes'), examples: counts.flatMap((c) => c.examples),
    identical, missingChars, unrecordedChars, bytes: Object.values(states).reduce((a, s) => a + s.length, 0),
  };
}

export async function run(ctx) {
  const P = plan(ctx);
  const T = P.minutes * 60; // s
  const heapFile = join(workDir, `g-heap-${process.pid}.json`);
  const env = { BENCH_HEAP_FILE: heapFile };
  const names = Array.from({ length: P.docs }, (_, i) => `g-doc-${i}`);
  const workers = ctx.workers.list;
  const users = workers.map((_, k) => Array.from({ length: P.clients }, (_, i) => i).filter((i) => i % workers.length === k));
  ctx.log(`  G: ${P.clients} clients, ${P.docs} documents, ${P.minutes} min, restart at ${(T / 2).toFixed(0)} s, a sample every ${P.sampleMs / 1000} s`);

  let server = await new ServerProcess('tandem', { env }).start();
  const { dataDir, port } = server;
  const seqs = new Map();
  const samples = [];
  const restart = {};
  // A snapshot of every document in the middle of each window compared: their heap, measured
  // at the end, is the documents' own share of the server's heap growth.
  const snaps = [];
  const snapTimes = (w) => [w.first, w.last].map(([a, b]) => ({ seg: w.seg, t: (a + b) / 2 }));
  let due = snapTimes(report.windowsOf([], { T, restartAt: T / 2, upAt: T / 2 })[0]);
  let seg = 1;
  let cpuPrev = null;
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;

  const sample = async () => {
    const t = now();
    const heap = await heapAfterGc(server, heapFile, seqs);
    const fd = server.fds(); // before /metrics opens a connection of its own
    const rss = server.rss();
    const cpu = server.cpuMs();
    const g = await gauges(server);
    const w = await ctx.workers.all('gStats', { elu: true });
    const sum = (k) => w.reduce((a, x) => a + x[k], 0);
    const cpuPct = cpuPrev?.seg === seg ? (cpu - cpuPrev.cpu) / (t - cpuPrev.t) / 10 : null;
    cpuPrev = { seg, cpu, t };
    if (!heap) ctx.note(`G: no heap sample at ${t.toFixed(0)} s (the preload did not answer SIGUSR2 within 3 s)`);
    const s = {
      t, seg, rss, threads: threads(server.pid), heapUsed: heap?.heapUsed ?? null, heapTotal: heap?.heapTotal ?? null, external: heap?.external ?? null,
      fds: fd.total, fdSockets: fd.sockets, fdStore: fd.store, fdOther: fd.other, ...g, cpuPct,
      sessions: sum('sessions'), synced: sum('synced'), inserts: sum('inserts'), deletes: sum('deletes'), cursor: sum('cursor'),
      joins: sum('joins'), connects: sum('connects'), elu: Math.max(...w.map((x) => x.elu)),
    };
    samples.push(s);
    if (!ctx.smoke && Math.round(t) % 60 < P.sampleMs / 1000) {
      ctx.log(`  G ${(t / 60).toFixed(1)} min: rss ${(rss / 2 ** 20).toFixed(1)} MB, heap ${(s.heapUsed / 2 ** 20).toFixed(1)} MB, fds ${s.fds} (${s.fdSockets} sockets), ${s.conns} conns, ${s.docsLoaded} docs, ${s.inserts} keys, elu ${s.elu.toFixed(2)}`);
    }
  };

  const restartServer = async () => {
    restart.atS = now();
    restart.atWall = Date.now(); // beside the lost-update examples' times
    const st = await server.stop();
    restart.exit = st;
    if (st.code !== 0) ctx.note(`G: Tandem exit on SIGTERM: ${JSON.stringify(st)}`);
    server = await new ServerProcess('tandem', { dataDir, env }).start({ port }); // the clients reconnect to the same URL
    seg = 2;
    restart.upS = now();
    restart.downMs = (restart.upS - restart.atS) * 1000;
    ctx.log(`  G: restarted at ${restart.atS.toFixed(0)} s (wall ${restart.atWall}): exit ${st.code} after ${st.ms.toFixed(0)} ms, healthy again ${restart.downMs.toFixed(0)} ms after the SIGTERM`);
    due = snapTimes(report.windowsOf([], { T, restartAt: restart.atS, upAt: restart.upS })[1]);
    return (async () => {
      while (now() < T) {
        const w = await ctx.workers.all('gStats');
        if (w.every((x) => x.synced === x.sessions)) return now() - restart.upS;
        await sleep(250);
      }
      return null;
    })();
  };

  try {
    await Promise.all(workers.map((w, k) => w.call('gStart', { url: server.url, names, users: users[k], pace: P.pace })));
    let next = 0;
    let resync = null;
    while (now() < T) {
      if (seg === 1 && now() >= T / 2) {
        resync = await restartServer();
        next = now();
      }
      if (now() >= next) {
        await sample();
        next += P.sampleMs / 1000;
      }
      if (due.length && now() >= due[0].t) {
        const { seg: sg } = due.shift();
        snaps.push({ seg: sg, t: now(), states: await workers[0].call('gFetch', { url: server.url, names }) });
      }
      const until = Math.min(next, seg === 1 ? T / 2 : T, due[0]?.t ?? Infinity);
      await sleep(Math.max(5, (until - now()) * 1000));
    }
    restart.resyncS = resync ? await resync : null;

    // The end: everyone stops where they are, waits until synced, and leaves.
    const q = await ctx.workers.all('gQuiesce', { timeoutMs: 20000 });
    const unsynced = q.reduce((a, x) => a + x.unsynced, 0);
    if (unsynced) ctx.note(`G: ${unsynced} sessions were not synced 20 s after the typing stopped`);
    const finished = await ctx.workers.all('gFinish');
    await sleep(1000);
    const live = await check(ctx, server, names, finished);
    const st = await server.stop();
    if (st.code !== 0) ctx.note(`G: Tandem exit on the final SIGTERM: ${JSON.stringify(st)}`);
    server = await new ServerProcess('tandem', { dataDir, env }).start();
    const disk = await check(ctx, server, names, finished);
    for (const x of [live, disk]) {
      if (x.examples.length) ctx.note(`G: lost updates, e.g. ${JSON.stringify(x.examples)}`);
      if (x.unrecordedChars) ctx.note(`G: the server holds ${x.unrecordedChars} characters no recorded session made (the accounting, not the server, is wrong)`);
    }

    const W = report.windowsOf(samples, { T, restartAt: restart.atS, upAt: restart.upS });
    for (const sn of snaps) Object.assign(sn, docHeap(sn), { states: undefined });
    const seg1 = report.growth(samples, W[0], snaps.filter((x) => x.seg === 1));
    const seg2 = report.growth(samples, W[1], snaps.filter((x) => x.seg === 2));
    const raw = { plan: P, samples, seg1, seg2, restart, live, disk };
    const result = { ...report.rows(raw), seg1, seg2, windows: W, restartInfo: restart, snaps, live, disk, unsynced, plan: P };
    ctx.log(`  G: heap ${result.heap1}, net ${result.net1} | ${result.heap2}, net ${result.net2}; lost ${result.lost}; identical ${result.identical}`);
    if (ctx.smoke && (live.lost || disk.lost || disk.identical < P.docs || unsynced)) {
      throw new Error(`Tandem lost ${live.lost} (live) / ${disk.lost} (after a restart) of ${disk.updates} updates; ${disk.identical} of ${P.docs} documents equal; ${unsynced} sessions unsynced`);
    }
    // the smoke draws the chart too (the end of a half-hour run must not be the first time it is drawn), but keeps it
    const svg = report.svgChart(samples, { T, restart, windows: W, snaps, title: `Tandem soak: ${P.clients} clients, ${P.docs} documents, ${P.minutes} min, restart halfway` });
    if (!ctx.smoke) {
      mkdirSync(join(benchDir, 'results'), { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      writeFileSync(join(benchDir, 'results', `g-soak-${stamp}.json`), JSON.stringify({ plan: P, restart, windows: W, snaps, samples }, null, 1));
      writeFileSync(join(benchDir, 'g-soak.svg'), svg);
    }
    return [{ case: `${P.minutes} min, ${P.clients} clients over ${P.docs} documents`, results: { tandem: result }, samples }];
  } finally {
    await ctx.workers.all('gReset').catch(() => {});
    await server.stop();
    server.cleanup();
  }
}
