// F. Scale-out over Redis (Tandem only; needs redis-server). Two Tandem instances with
// REDIS_URL on one Redis: (1) 200 clients on one document split over both, five writers on A,
// delivery latency to A's clients (same instance) vs B's (cross-instance); (2) scenario D's
// durable throughput on one instance without Redis vs two instances with it (observer on the
// writer's instance, and on the other one).
import { ServerProcess } from '../servers.mjs';
import { RedisProcess, redisServerOnPath } from '../redis.mjs';
import { drainReceipts, latencies } from '../latency.mjs';
import { durableRun } from '../throughput.mjs';
import { median, pct, sleep } from '../util.mjs';

export const id = 'F';
export const title = 'F. Scale-out over Redis (two instances)';
export const budgetMs = 240000;
// Three servers and Redis on one core for a minute and more: not part of the smoke run.
export const inSmoke = false;
export const metrics = [
  { key: 'sameP50', label: 'same-instance latency p50 ms (median of runs)', digits: 2 },
  { key: 'sameP99', label: 'same-instance latency p99 ms (median of runs)', digits: 2 },
  { key: 'crossP50', label: 'cross-instance latency p50 ms (median of runs)', digits: 2 },
  { key: 'crossP99', label: 'cross-instance latency p99 ms (median of runs)', digits: 2 },
  { key: 'p99Gap', label: 'cross − same p99 ms (median of runs)', digits: 2 },
  { key: 'sameP99Runs', label: 'same-instance p99 per run ms' },
  { key: 'crossP99Runs', label: 'cross-instance p99 per run ms' },
  { key: 'missing', label: 'receipts missing after a 3 s drain (all runs)', digits: 0 },
  { key: 'updatesPerS', label: 'updates/s seen by the observer(s), median of 3', better: 'higher', digits: 0 },
  { key: 'updatesPerSRuns', label: 'updates/s per run' },
  { key: 'vsNoRedis', label: '÷ one instance without Redis', digits: 2 },
  { key: 'cpuPer1k', label: 'CPU ms / 1,000 updates (instances + Redis)', better: 'lower', digits: 2 },
  { key: 'workerElu', label: 'load-gen max ELU', digits: 2 },
];

const CLIENTS = 200;
const WRITERS = 5;
const OBSERVERS = 8; // real providers per instance, besides the writers
const HZ = 50;

const runsList = (xs, digits) => xs.map((x) => (typeof x === 'number' ? x.toFixed(digits) : '—')).join(' / ');

/** Redis, two instances with REDIS_URL (and, when asked, one without), all on core 0. */
async function startCluster({ withPlain = false } = {}) {
  const redis = await new RedisProcess().start();
  const a = await new ServerProcess('tandem-redis', { env: { REDIS_URL: redis.url } }).start();
  const b = await new ServerProcess('tandem-redis', { env: { REDIS_URL: redis.url } }).start();
  const plain = withPlain ? await new ServerProcess('tandem').start() : null;
  const cpu = () => a.cpuMs() + b.cpuMs() + redis.cpuMs();
  const stop = async (ctx) => {
    for (const s of [a, b, plain].filter(Boolean)) {
      const st = await s.stop();
      if (st.code !== 0) ctx.note(`${s.id} exit on SIGTERM: ${JSON.stringify(st)}`);
      s.cleanup();
    }
    await redis.stop();
  };
  return { redis, a, b, plain, cpu, stop };
}

async function latencyCase(ctx) {
  const runs = 3;
  const durationMs = 2000;
  const [w0, w1, w2] = ctx.workers.list;
  const cl = await startCluster();
  try {
    const name = 'f-200';
    const maxKeys = Math.ceil((durationMs / 1000) * HZ * 1.5) + 50;
    const key = 'F';
    const base = { key, proto: 'yws', name, maxKeys };
    const perInstance = CLIENTS / 2;
    // A: writers (w0) and observers + light clients (w1); B: observers + light clients (w2).
    await Promise.all([
      w1.call('aSetup', { ...base, url: cl.a.url, light: perInstance - WRITERS - OBSERVERS, real: 0, writers: 0 }),
      w2.call('aSetup', { ...base, url: cl.b.url, light: perInstance - OBSERVERS, real: 0, writers: 0 }),
    ]);
    await Promise.all([
      w1.call('aSetup', { ...base, url: cl.a.url, light: 0, real: OBSERVERS, writers: 0 }),
      w2.call('aSetup', { ...base, url: cl.b.url, light: 0, real: OBSERVERS, writers: 0 }),
    ]);
    const writerIds = await w0.call('aSetup', { ...base, url: cl.a.url, light: 0, real: WRITERS, writers: WRITERS });
    await w0.call('aType', { key, hz: HZ, durationMs: 700 }); // warm-up, excluded
    await sleep(300);
    const rs = [];
    for (let r = 0; r < runs; r++) {
      await Promise.all(ctx.workers.list.map((w) => w.call('aArm', { key, writerIds })));
      await ctx.workers.eluStart();
      await w0.call('aType', { key, hz: HZ, durationMs });
      const sendT = await w0.call('aSendTimes', { key });
      await drainReceipts(ctx.workers.list, key, sendT);
      const elu = await ctx.workers.eluStop();
      const [r0, r1, r2] = await Promise.all(ctx.workers.list.map((w) => w.call('aRecvTimes', { key })));
      const same = latencies(sendT, [...r0.recv, ...r1.recv], writerIds);
      const cross = latencies(sendT, r2.recv, writerIds);
      const m = { sameP50: pct(same.lat, 50), sameP99: pct(same.lat, 99), crossP50: pct(cross.lat, 50), crossP99: pct(cross.lat, 99), missing: same.missing + cross.missing, workerElu: elu };
      m.p99Gap = m.crossP99 !== null && m.sameP99 !== null ? m.crossP99 - m.sameP99 : null;
      ctx.log(`  F run ${r + 1}: same p50 ${m.sameP50?.toFixed(2)} p99 ${m.sameP99?.toFixed(2)} ms; cross p50 ${m.crossP50?.toFixed(2) ?? '—'} p99 ${m.crossP99?.toFixed(2) ?? '—'} ms; missing ${m.missing}; elu ${elu.toFixed(2)}`);
      rs.push(m);
    }
    const out = {};
    for (const k of ['sameP50', 'sameP99', 'crossP50', 'crossP99', 'p99Gap', 'workerElu']) out[k] = median(rs.map((x) => x[k]));
    out.missing = rs.reduce((n, x) => n + x.missing, 0);
    out.sameP99Runs = runsList(rs.map((x) => x.sameP99), 2);
    out.crossP99Runs = runsList(rs.map((x) => x.crossP99), 2);
    out.runs = rs;
    return { case: `${CLIENTS} clients on one document, ${CLIENTS / 2} per instance, ${WRITERS} writers on A at ${HZ} Hz`, results: { 'tandem-redis': out } };
  } finally {
    await ctx.workers.closeAll();
    await cl.stop(ctx);
  }
}

async function throughputCases(ctx) {
  const runs = 3;
  const durationMs = 2000;
  const cases = [];
  for (const docs of [1, 100]) {
    const window = docs === 1 ? 256 : 16;
    const cl = await startCluster({ withPlain: true });
    const variants = {
      tandem: { write: [cl.plain.url, cl.plain.url], obs: [cl.plain.url, cl.plain.url], cpu: () => cl.plain.cpuMs() },
      // each worker's documents are written through a different instance, so both work
      'tandem-redis': { write: [cl.a.url, cl.b.url], obs: [cl.a.url, cl.b.url], cpu: cl.cpu },
      'tandem-redis-cross': { write: [cl.a.url, cl.b.url], obs: [cl.b.url, cl.a.url], cpu: cl.cpu },
    };
    const rs = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
    try {
      // round-robin over the variants, rotating who goes first (as in A)
      for (let r = 0; r < runs; r++) {
        const order = Object.keys(variants);
        for (let i = 0; i < order.length; i++) {
          const v = order[(i + r) % order.length];
          const names = Array.from({ length: docs }, (_, k) => `f-${docs}-${v}-${r}-${k}`);
          const { write, obs, cpu } = variants[v];
          const { figures } = await durableRun(ctx.workers, { proto: 'yws', names, writeUrls: write, obsUrls: obs, window, durationMs, cpuMs: cpu });
          rs[v].push(figures);
        }
      }
    } finally {
      await cl.stop(ctx);
    }
    const c = { case: `durable throughput, ${docs} document${docs > 1 ? 's' : ''}`, results: {} };
    for (const [v, list] of Object.entries(rs)) {
      const m = {};
      for (const k of ['updatesPerS', 'cpuPer1k', 'workerElu']) m[k] = median(list.map((x) => x[k]));
      m.updatesPerSRuns = runsList(list.map((x) => x.updatesPerS), 0);
      m.runs = list;
      c.results[v] = m;
    }
    const plain = c.results.tandem.updatesPerS;
    for (const v of ['tandem-redis', 'tandem-redis-cross']) c.results[v].vsNoRedis = plain ? c.results[v].updatesPerS / plain : null;
    for (const [v, m] of Object.entries(c.results)) ctx.log(`  F ${docs} docs ${v}: ${m.updatesPerS.toFixed(0)} updates/s (${m.updatesPerSRuns}), cpu ${m.cpuPer1k?.toFixed(2) ?? '—'} ms/1k`);
    cases.push(c);
  }
  return cases;
}

export async function run(ctx) {
  if (!redisServerOnPath()) {
    ctx.note('F skipped: redis-server is not on PATH (Debian/Ubuntu: `apt-get install -y redis-server`)');
    return [];
  }
  if (!ctx.servers(['tandem', 'tandem-redis']).length) return [];
  return [await latencyCase(ctx), ...(await throughputCases(ctx))];
}

export function targets(cases) {
  const out = [];
  const lat = cases.find((c) => c.results['tandem-redis']?.crossP99 !== undefined)?.results['tandem-redis'];
  if (lat) {
    const ok = lat.p99Gap !== null && lat.missing === 0;
    out.push({ text: `cross-instance p99 within 3 ms of same-instance (median of 3): ${lat.crossP99?.toFixed(2) ?? '—'} vs ${lat.sameP99?.toFixed(2)} ms (runs ${lat.crossP99Runs} vs ${lat.sameP99Runs}); y-redis publishes p99 10.6 ms at 200 writers`, met: ok && lat.p99Gap <= 3 });
  }
  for (const c of cases.filter((x) => x.results.tandem)) {
    for (const v of ['tandem-redis', 'tandem-redis-cross']) {
      const x = c.results[v]?.vsNoRedis;
      if (x !== undefined) out.push({ text: `${c.case}: ${v} ≥ 0.5× one instance without Redis: ${x === null ? '—' : x.toFixed(2)}×`, met: x !== null && x >= 0.5 });
    }
  }
  return out;
}
