// A. Fan-out latency: N clients on one document, 5 of them typing at 50 Hz each.
import { ServerProcess } from '../servers.mjs';
import { drainReceipts, latencies } from '../latency.mjs';
import { median, pct, sleep } from '../util.mjs';

export const id = 'A';
export const title = 'A. Fan-out latency (one document, 5 writers at 50 Hz)';
export const budgetMs = 200000;
export const smokeBudgetMs = 15000;
export const servers = ['tandem', 'yws', 'yws-leveldb', 'hocus', 'hocus-file', 'floor'];
export const metrics = [
  { key: 'p50', label: 'latency p50 ms', better: 'lower', digits: 2 },
  { key: 'p99', label: 'latency p99 ms', better: 'lower', digits: 2 },
  { key: 'max', label: 'latency max ms', better: 'lower', digits: 1 },
  { key: 'deliveriesPerS', label: 'deliveries/s', better: 'higher', digits: 0 },
  { key: 'cpuPer1k', label: 'server CPU ms / 1,000 deliveries', better: 'lower', digits: 2 },
  { key: 'missing', label: 'receipts missing after a 3 s drain', better: 'lower', digits: 0 },
  { key: 'workerElu', label: 'load-gen max ELU', digits: 2 },
];

const WRITERS = 5;
const HZ = 50;

/**
 * Connects N clients to document `name` (light ones first, so the measured real clients sit at the
 * tail of every fan-out loop); S measures the same way on its own documents.
 */
export async function setup(ctx, server, n, key, name = `a-${n}`) {
  const [w0, w1, w2] = ctx.workers.list;
  const { proto } = server.def;
  const observers = Math.min(n - WRITERS, ctx.smoke ? 3 : 15);
  const light = n - WRITERS - observers;
  const durationMs = ctx.smoke ? 1000 : 2000;
  const maxKeys = Math.ceil((durationMs / 1000) * HZ * 1.5) + 50;
  const args = { key, proto, url: server.url, name, maxKeys };
  await Promise.all([
    w1.call('aSetup', { ...args, light: Math.ceil(light / 2), real: 0, writers: 0 }),
    w2.call('aSetup', { ...args, light: Math.floor(light / 2), real: 0, writers: 0 }),
  ]);
  await w1.call('aSetup', { ...args, light: 0, real: observers, writers: 0 });
  const writerIds = await w0.call('aSetup', { ...args, light: 0, real: WRITERS, writers: WRITERS });
  // warm-up typing (JIT, buffers), excluded from every figure
  await w0.call('aType', { key, hz: HZ, durationMs: ctx.smoke ? 300 : 700 });
  await sleep(300);
  return { writerIds, durationMs, key };
}

export async function oneRun(ctx, server, n, { writerIds, durationMs, key }) {
  const [w0, w1, w2] = ctx.workers.list;
  await Promise.all([w0.call('aArm', { key, writerIds }), w1.call('aArm', { key, writerIds }), w2.call('aArm', { key, writerIds })]);
  await ctx.workers.eluStart();
  const cpu0 = server.cpuMs();
  const { ms } = await w0.call('aType', { key, hz: HZ, durationMs });
  const sendT = await w0.call('aSendTimes', { key });
  await drainReceipts([w0, w1], key, sendT);
  await sleep(100);
  const cpuMs = server.cpuMs() - cpu0;
  const elu = await ctx.workers.eluStop();
  const recvs = [await w0.call('aRecvTimes', { key }), await w1.call('aRecvTimes', { key }), await w2.call('aRecvTimes', { key })];

  const { lat, missing, keys } = latencies(sendT, recvs.flatMap((r) => r.recv), writerIds);
  const deliveries = keys * (n - 1);
  return {
    p50: pct(lat, 50), p99: pct(lat, 99), max: lat[lat.length - 1] ?? null,
    deliveriesPerS: deliveries / (ms / 1000),
    cpuPer1k: cpuMs / (deliveries / 1000),
    missing, workerElu: elu, keys, samples: lat.length, lightMsgs: recvs.flatMap((r) => r.light).reduce((a, l) => a + l.msgs, 0),
  };
}

export async function run(ctx) {
  const sizes = ctx.smoke ? [10] : [10, 50, 200];
  const runs = ctx.smoke ? 1 : 3;
  const cases = [];
  for (const n of sizes) {
    const c = { case: `N=${n}`, results: {} };
    // Every server is up with its N clients connected at once, and the runs go round-robin
    // over the servers (rotating who goes first), so that background load on this shared
    // machine falls on all of them alike rather than on whoever ran during a busy minute.
    const live = [];
    try {
      for (const sid of ctx.servers(servers, { allInSmoke: true })) {
        const server = await new ServerProcess(sid).start();
        live.push({ sid, server, rs: [] });
        live[live.length - 1].st = await setup(ctx, server, n, sid);
      }
      for (let r = 0; r < runs; r++) {
        for (let i = 0; i < live.length; i++) {
          const l = live[(i + r) % live.length];
          l.rs.push(await oneRun(ctx, l.server, n, l.st));
        }
      }
      for (const { sid, rs } of live) {
        const m = {};
        for (const k of Object.keys(rs[0])) m[k] = median(rs.map((x) => x[k]));
        m.runs = rs;
        c.results[sid] = m;
        ctx.log(`  A N=${n} ${sid}: p50 ${m.p50?.toFixed(2)} p99 ${m.p99?.toFixed(2)} max ${m.max?.toFixed(1)} ms, ${m.deliveriesPerS.toFixed(0)} deliv/s, cpu ${m.cpuPer1k.toFixed(2)} ms/1k, missing ${m.missing}, elu ${m.workerElu.toFixed(2)}; runs p99 ${rs.map((x) => x.p99.toFixed(1)).join(' ')}`);
      }
    } finally {
      await ctx.workers.closeAll();
      for (const { sid, server } of live) {
        const st = await server.stop();
        if (st.code !== 0) ctx.note(`${sid} exit on SIGTERM: ${JSON.stringify(st)}`);
        server.cleanup();
      }
    }
    cases.push(c);
  }
  return cases;
}

export function targets(cases) {
  const c = cases.find((x) => x.case === 'N=200');
  if (!c) return [];
  const r = c.results;
  const t = r.tandem;
  const out = [];
  if (t && r.hocus) out.push({ text: `N=200 p99 ≤ 0.5× Hocuspocus in-memory: ${t.p99.toFixed(2)} vs ${r.hocus.p99.toFixed(2)} ms (${(t.p99 / r.hocus.p99).toFixed(2)}×)`, met: t.p99 <= 0.5 * r.hocus.p99 });
  if (t && r.yws) out.push({ text: `N=200 CPU per delivery ≤ 0.5× y-websocket: ${t.cpuPer1k.toFixed(2)} vs ${r.yws.cpuPer1k.toFixed(2)} ms/1k (${(t.cpuPer1k / r.yws.cpuPer1k).toFixed(2)}×)`, met: t.cpuPer1k <= 0.5 * r.yws.cpuPer1k });
  return out;
}
