// E. Large documents and growth: one 5 MB document and 1,000 small documents — load
// time, memory per open document, disk before and after a reload (compaction).
import { ServerProcess } from '../servers.mjs';
import { median, pct, sleep } from '../util.mjs';

export const id = 'E';
export const title = 'E. Large documents and growth';
export const servers = ['tandem', 'yws-leveldb', 'hocus-file'];
export const budgetMs = 150000;
export const smokeBudgetMs = 12000;
export const metrics = [
  { key: 'loadMs', label: 'cold load ms, median of 3', better: 'lower', digits: 1 },
  { key: 'firstSyncComplete', label: 'first sync holds the whole document' },
  { key: 'complete', label: 'document complete after restart' },
  { key: 'openAllMs', label: 'open all (16 in flight) ms', better: 'lower', digits: 0 },
  { key: 'openP50', label: 'open one document p50 ms', better: 'lower', digits: 2 },
  { key: 'openP99', label: 'open one document p99 ms', better: 'lower', digits: 2 },
  { key: 'mbOpenDoc', label: 'RSS for the open document MB (after GC)', better: 'lower', digits: 1 },
  { key: 'kbPerOpenDoc', label: 'RSS per open document KB (incl. its one connection, after GC)', better: 'lower', digits: 1 },
  { key: 'encodedKB', label: 'encoded size KB (Yjs state; all documents)', digits: 0 },
  { key: 'diskBeforeKB', label: 'disk after writing + SIGTERM KB', better: 'lower', digits: 0 },
  { key: 'diskAfterKB', label: 'disk after reload + SIGTERM KB', better: 'lower', digits: 0 },
  { key: 'diskAfterRatio', label: 'disk after reload ÷ encoded size', better: 'lower', digits: 2 },
  { key: 'writeMs', label: 'write: ms until a peer has it all', better: 'lower', digits: 0 },
];

async function big(ctx, sid) {
  const [w0, w1] = ctx.workers.list;
  let server = await new ServerProcess(sid).start();
  const { proto } = server.def;
  const name = 'big';
  const r = {};
  try {
    const t0 = performance.now();
    const wr = await w0.call('eWriteBig', { proto, url: server.url, name, count: ctx.smoke ? 50 : 5000, chunk: 1000 });
    const seen = await w1.call('cLoad', { proto, url: server.url, name, expectLen: wr.length, timeoutMs: ctx.smoke ? 10000 : 60000, settleMs: 5000 });
    r.writeMs = seen.complete ? performance.now() - t0 : null;
    r.encodedKB = wr.encodedBytes / 1024;
    await ctx.workers.closeAll();
    await sleep(1000);
    await server.stop();
    r.diskBeforeKB = server.disk() / 1024;
    const loads = [];
    const mem = [];
    for (let i = 0; i < (ctx.smoke ? 1 : 3); i++) {
      server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
      const base = await server.gcRss(ctx.gcWaitMs);
      loads.push(await w1.call('cLoad', { proto, url: server.url, name, expectLen: wr.length, timeoutMs: 30000, settleMs: 3000, keep: true }));
      mem.push((await server.gcRss(ctx.gcWaitMs)) - base);
      await ctx.workers.closeAll();
      await server.stop();
    }
    r.diskAfterKB = server.disk() / 1024;
    r.diskAfterRatio = r.diskAfterKB / r.encodedKB;
    r.complete = loads.every((l) => l.complete);
    r.loadMs = r.complete ? median(loads.map((l) => l.ms)) : null;
    r.firstSyncComplete = loads.every((l) => l.firstSyncComplete);
    r.mbOpenDoc = median(mem) / 2 ** 20;
    r.loads = loads;
  } finally {
    await server.stop();
    server.cleanup();
  }
  return r;
}

async function many(ctx, sid) {
  const n = ctx.smoke ? 20 : 1000;
  const names = Array.from({ length: n }, (_, i) => `small-${i}`);
  const chars = 1000;
  let server = await new ServerProcess(sid).start();
  const { proto } = server.def;
  const r = {};
  try {
    const t0 = performance.now();
    const enc = await ctx.workers.list[0].call('eWriteSmall', { proto, url: server.url, names, chars });
    r.writeMs = performance.now() - t0;
    r.encodedKB = enc / 1024;
    await sleep(1000);
    await server.stop();
    r.diskBeforeKB = server.disk() / 1024;
    server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
    const base = await server.gcRss(ctx.gcWaitMs);
    const ws = ctx.workers.list;
    const rs = await Promise.all(ws.map((w, i) => w.call('eOpenMany', { proto, url: server.url, names: names.filter((_, k) => k % ws.length === i), expectClockMin: chars })));
    // y-websocket delivers persisted state after its first answer: give it time before GC/RSS
    await sleep(1500);
    r.kbPerOpenDoc = ((await server.gcRss(ctx.gcWaitMs)) - base) / n / 1024;
    const times = rs.flatMap((x) => x.times).sort((a, b) => a - b);
    r.openAllMs = Math.max(...rs.map((x) => x.ms));
    r.openP50 = pct(times, 50);
    r.openP99 = pct(times, 99);
    r.shortFirstSync = rs.reduce((a, x) => a + x.short, 0);
    r.firstSyncComplete = r.shortFirstSync === 0;
    await ctx.workers.closeAll();
    await server.stop();
    r.diskAfterKB = server.disk() / 1024;
    r.diskAfterRatio = r.diskAfterKB / r.encodedKB;
  } finally {
    await server.stop();
    server.cleanup();
  }
  return r;
}

export async function run(ctx) {
  const c1 = { case: ctx.smoke ? 'a 100 KB document' : 'a 5 MB document (5,000 inserts of 1,000 chars)', results: {} };
  const c2 = { case: ctx.smoke ? '20 small documents' : '1,000 small documents (1,000 chars each)', results: {} };
  for (const sid of ctx.servers(servers)) {
    c1.results[sid] = await big(ctx, sid);
    const a = c1.results[sid];
    ctx.log(`  E big ${sid}: load ${a.loadMs?.toFixed(1)} ms, first sync whole ${a.firstSyncComplete}, ${a.mbOpenDoc.toFixed(1)} MB open, disk ${a.diskBeforeKB.toFixed(0)} → ${a.diskAfterKB.toFixed(0)} KB (encoded ${a.encodedKB.toFixed(0)} KB)`);
    c2.results[sid] = await many(ctx, sid);
    const b = c2.results[sid];
    ctx.log(`  E many ${sid}: open all ${b.openAllMs.toFixed(0)} ms, p50 ${b.openP50.toFixed(2)} ms, ${b.kbPerOpenDoc.toFixed(1)} KB/doc, disk ${b.diskBeforeKB.toFixed(0)} → ${b.diskAfterKB.toFixed(0)} KB, short ${b.shortFirstSync}`);
    if (ctx.smoke && sid.startsWith('tandem') && !(a.complete && a.firstSyncComplete && b.firstSyncComplete)) throw new Error(`${sid}: incomplete document after restart`);
  }
  return [c1, c2];
}

export function targets(cases) {
  const t = cases[0].results.tandem;
  if (!t) return [];
  return [{ text: `5 MB document: disk after compaction ≤ 1.5× its encoded size: ${t.diskAfterKB.toFixed(0)} KB vs ${t.encodedKB.toFixed(0)} KB (${t.diskAfterRatio.toFixed(2)}×)`, met: t.diskAfterRatio <= 1.5 }];
}
