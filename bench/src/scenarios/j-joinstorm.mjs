// J. Join storm: 150 clients join a 20 MB document at once, cold (server restarted, the document
// on disk and not loaded) and warm (already open by one client): time from connect to the whole
// first sync received, the server's peak RSS and CPU-seconds, how many got in.
import { join } from 'node:path';
import os from 'node:os';
import { ServerProcess, benchDir } from '../servers.mjs';
import { pct, sleep } from '../util.mjs';

export const id = 'J';
export const title = 'J. Join storm (150 clients join a 20 MB document at once)';
export const budgetMs = 900000;
export const smokeBudgetMs = 20000;
export const inFull = false; // minutes of 3 GB servers: run on its own (`--only=J`)
export const metrics = [
  { key: 'min', label: 'connect → synced, first joiner s', better: 'lower', digits: 2 },
  { key: 'p50', label: 'connect → synced p50 s', better: 'lower', digits: 2 },
  { key: 'p95', label: 'connect → synced p95 s', better: 'lower', digits: 2 },
  { key: 'max', label: 'connect → synced max s', better: 'lower', digits: 2 },
  { key: 'completed', label: 'clients synced (of all)' },
  { key: 'peakMB', label: 'peak server RSS MB (sampled every 100 ms)', better: 'lower', digits: 0 },
  { key: 'baseMB', label: 'server RSS before the storm MB (after GC)', digits: 0 },
  { key: 'cpuS', label: 'server CPU-seconds', better: 'lower', digits: 1 },
  { key: 'genCpuS', label: 'load generator CPU-seconds (all its processes, receiving)', digits: 1 },
  { key: 'docMB', label: 'first sync size MB', digits: 1 },
  { key: 'verified', label: 'first syncs checked whole (state vector of a few, size of all)' },
];

const seconds = (ms) => (ms === null ? null : ms / 1000);

export async function run(ctx) {
  const mb = ctx.smoke ? 0.5 : Number(ctx.opt('j-mb') ?? 20);
  const clients = ctx.smoke ? 20 : Number(ctx.opt('j-clients') ?? 150);
  const path = join(benchDir, '.cache', `j-trace-${mb}mb.bin`);
  const [w0] = ctx.workers.list;
  const t = Date.now();
  const doc = await w0.call('jMake', { bytes: mb * 2 ** 20, path });
  ctx.log(`  J document: ${doc.updates} replays of the trace, ${(doc.bytes / 2 ** 20).toFixed(1)} MB of updates, ${doc.chars} chars (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const cases = [];
  for (const warm of [false, true]) {
    const c = { case: `${warm ? 'warm (open by one client)' : 'cold (restarted, on disk)'}: ${clients} clients, ${(doc.bytes / 2 ** 20).toFixed(0)} MB document`, results: {} };
    const sids = ctx.servers(warm ? ['tandem', 'hocus', 'yws'] : ['tandem', 'hocus-file', 'yws-leveldb']);
    for (const sid of sids) {
      const load = os.loadavg()[0];
      const m = await storm(ctx, sid, { warm, clients, path, clocks: doc.clocks });
      m.load = load;
      c.results[sid] = m;
      ctx.log(`  J ${warm ? 'warm' : 'cold'} ${sid}: first ${m.min?.toFixed(2)} p50 ${m.p50?.toFixed(2)} p95 ${m.p95?.toFixed(2)} s, ${m.completed}, peak ${m.peakMB.toFixed(0)} MB, ${m.cpuS.toFixed(1)} CPU-s (generator ${m.genCpuS.toFixed(1)}), load ${load.toFixed(1)}`);
      if (ctx.smoke && (m.done !== clients || m.verified !== 'yes')) throw new Error(`J smoke on ${sid}: ${m.completed} synced, first syncs whole: ${m.verified}`);
    }
    cases.push(c);
  }
  return cases;
}

async function storm(ctx, sid, { warm, clients, path, clocks }) {
  const [w0] = ctx.workers.list;
  let server = await new ServerProcess(sid).start();
  const { proto } = server.def;
  const name = 'j-storm';
  try {
    // written through the server's own path: a client sends the updates
    await w0.call('jSeed', { proto, url: server.url, name, path, clocks, keep: warm });
    if (!warm) {
      // Tandem holds only what is on disk; the peers store on a debounce or when the last client leaves
      if (!sid.startsWith('tandem')) await sleep(2000);
      await server.stop();
      server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
    }
    const baseMB = (await server.gcRss(ctx.gcWaitMs)) / 2 ** 20;
    let peak = server.rss();
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rss());
    }, 100);
    const cpu0 = server.cpuMs();
    const n = ctx.workers.list.length;
    const share = (i) => Math.floor(clients / n) + (i < clients % n ? 1 : 0);
    const timeoutMs = ctx.smoke ? 15000 : 180000;
    const rs = (await Promise.all(ctx.workers.list.map((w, i) => w.call('jStorm', { proto, url: server.url, name, count: share(i), clocks, verify: i === 0 ? 2 : 1, timeoutMs })))).flat();
    const cpuS = (server.cpuMs() - cpu0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, server.rss());
    const ms = rs.filter((r) => r.ms !== null).map((r) => r.ms).sort((a, b) => a - b);
    const failed = rs.filter((r) => r.ms === null);
    if (failed.length) ctx.note(`J ${sid}: ${failed.length} joins failed (${[...new Set(failed.map((f) => f.error))].join('; ')})`);
    const checked = rs.filter((r) => r.ok !== undefined);
    // The state vector is checked on a few joiners (the first of each worker); every joiner's
    // first sync must be about as large as the largest. Late joiners of a cold storm could get an
    // empty document (the server's join storm test saw it; fixed 2026-12-06), which the first few
    // alone would not show.
    const largest = Math.max(0, ...rs.map((r) => r.bytes ?? 0));
    const short = rs.filter((r) => r.ms !== null && (r.bytes ?? 0) < largest / 2).length;
    return {
      min: seconds(ms[0] ?? null), p50: seconds(pct(ms, 50)), p95: seconds(pct(ms, 95)), max: seconds(ms[ms.length - 1] ?? null),
      done: ms.length, completed: `${ms.length} / ${clients}`,
      peakMB: peak / 2 ** 20, baseMB, cpuS,
      genCpuS: rs.reduce((sum, r) => sum + (r.genCpuMs ?? 0), 0) / 1000,
      docMB: Math.max(...rs.map((r) => r.bytes ?? 0)) / 2 ** 20,
      verified: !checked.length || !checked.every((r) => r.ok) ? `no (${checked.filter((r) => r.ok).length} of ${checked.length})` : short > 0 ? `no (${short} first syncs of less than half the document)` : 'yes',
    };
  } finally {
    await ctx.workers.closeAll();
    await server.stop();
    server.cleanup();
  }
}

export function targets(cases) {
  const out = [];
  for (const c of cases) {
    const t = c.results.tandem;
    if (!t) continue;
    const kind = c.case.split(':')[0];
    out.push({ text: `${kind}: p50 ≤ 2 s: ${t.p50?.toFixed(2)} s (${t.completed} synced)`, met: t.p50 !== null && t.p50 <= 2 && t.done === Number(t.completed.split(' / ')[1]) });
    out.push({ text: `${kind}: p95 ≤ 5 s: ${t.p95?.toFixed(2)} s`, met: t.p95 !== null && t.p95 <= 5 });
    out.push({ text: `${kind}: peak RSS ≤ 1 GB: ${t.peakMB.toFixed(0)} MB`, met: t.peakMB <= 1024 });
  }
  return out;
}
