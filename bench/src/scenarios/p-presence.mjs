// P. Presence at scale: N clients on one document, every one moving its cursor once a second,
// ten of them typing at 5 Hz; keystroke and presence delivery, the server's CPU, RSS and the
// connections it closed, and each load-generator process's event-loop utilisation.
// Cases: `--p=100,300,1000,echo300,redis1000` (the default; `--full=12`: measuring clients; `--p-warm=60`: seconds of warm-up; echo: clients that re-send every new
// state as y-websocket 1.x providers do; redis: Tandem only, split over two instances with Redis).
import os from 'node:os';
import { ServerProcess } from '../servers.mjs';
import { RedisProcess, redisServerOnPath } from '../redis.mjs';
import { CROWD_NICE, Workers } from '../workers.mjs';
import { cpuMs as procCpuMs } from '../proc.mjs';
import { latencies, sentCount } from '../latency.mjs';
import { median, pct, sleep } from '../util.mjs';

export const id = 'P';
export const title = 'P. Presence at scale (one document, cursors at 1 Hz, ten typing at 5 Hz)';
export const budgetMs = 4800000;
export const smokeBudgetMs = 20000;
// About an hour (a minute of warm-up per run, three runs of every server), with up to eight
// generator processes: run on its own (`--only=P`).
export const inFull = false;
export const servers = ['tandem', 'hocus', 'yws'];
export const metrics = [
  { key: 'keyP50', label: 'keystroke delivery p50 ms', better: 'lower', digits: 1 },
  { key: 'keyP99', label: 'keystroke delivery p99 ms', better: 'lower', digits: 1 },
  { key: 'keysMissing', label: 'keystroke receipts missing after a 3 s drain', better: 'lower', digits: 0 },
  { key: 'presP50', label: 'presence delivery p50 ms', better: 'lower', digits: 1 },
  { key: 'presP99', label: 'presence delivery p99 ms', better: 'lower', digits: 1 },
  { key: 'presDelivered', label: 'cursor moves delivered (share of moves × full receivers)', better: 'higher', digits: 3 },
  { key: 'movesPerS', label: 'cursor moves sent/s', digits: 0 },
  { key: 'cpuPct', label: 'server CPU % of one core', better: 'lower', digits: 0 },
  { key: 'rssMB', label: 'server RSS MB (end of run)', better: 'lower', digits: 0 },
  { key: 'closed', label: 'connections closed by the server', better: 'lower', digits: 0 },
  { key: 'decodeErrors', label: 'messages the clients could not decode', digits: 0 },
  { key: 'eluMax', label: 'load-gen max ELU', digits: 2 },
  { key: 'elus', label: 'load-gen ELU per process' },
  { key: 'genCpuPct', label: 'load-gen CPU % of its one core (all processes)', digits: 0 },
  { key: 'runsP99', label: 'keystroke / presence p99 per run ms' },
];

const MOVE_MS = 1000;
const TYPE_MS = 200;
const PER_WORKER = 150;
const FULL = 12; // measuring clients (at most), in a process of their own: 10 typists and 2 more
/**
 * Seconds of warm-up under the same load before the timed window. The figures are a server's
 * steady state: V8 tiers a function up once it has run enough, and on the typing path (50
 * keystrokes a second here) that takes Tandem about 40 s; in the first seconds of its life a
 * fresh Tandem spent a third of its CPU compiling (measured 2026-12-06: 9.8–10.0 % of a core with
 * 2 s of warm-up, 6.1–6.4 % after 60 s; the peers 17–21 % either way). `--p-warm=2` measures a
 * fresh process, as P did before 2026-12-06.
 */
const WARM_S = 60;

function plan(ctx) {
  if (ctx.smoke) return [{ n: 20, label: 'N=20 (smoke)' }];
  const list = (ctx.opt('p') ?? '100,300,1000,echo300,redis1000').split(',');
  return list.map((s) => {
    const n = Number(s.replace(/\D/g, ''));
    if (s.startsWith('echo')) return { n, echo: true, label: `N=${n}, echoing clients (as y-websocket 1.x providers)` };
    if (s.startsWith('redis')) return { n, redis: true, label: `N=${n} over two Tandem instances with Redis` };
    return { n, label: `N=${n}` };
  });
}

/** The server(s) for one run: one process, or two Tandem instances sharing a Redis. */
async function startServers(sid, redis) {
  if (!redis) {
    const s = await new ServerProcess(sid).start();
    return { urls: [s.url], cpuMs: () => s.cpuMs(), rss: () => s.rss(), stop: async () => { const st = await s.stop(); s.cleanup(); return st; } };
  }
  const r = await new RedisProcess().start();
  const a = await new ServerProcess('tandem-redis', { env: { REDIS_URL: r.url } }).start();
  const b = await new ServerProcess('tandem-redis', { env: { REDIS_URL: r.url } }).start();
  return {
    urls: [a.url, b.url],
    cpuMs: () => a.cpuMs() + b.cpuMs(),
    rss: () => a.rss() + b.rss(),
    stop: async () => {
      const st = [await a.stop(), await b.stop()];
      a.cleanup();
      b.cleanup();
      await r.stop();
      return st.find((x) => x.code !== 0) ?? st[0];
    },
  };
}

/**
 * One run: fresh server(s), fresh clients, 60 s of the same load as warm-up (`--p-warm=` seconds),
 * then the timed window.
 */
async function oneRun(ctx, sid, { n, echo = false, redis = false }) {
  const durationMs = ctx.smoke ? 3000 : 10000;
  const srv = await startServers(sid, redis);
  const proto = sid === 'hocus' ? 'hocus' : 'yws';
  const k = Math.max(1, Math.ceil(n / PER_WORKER)); // the crowd's processes
  // and one more for the measuring clients: a process of their own, the crowd's at a lower
  // priority on the same core, so that what they time is the server's delivery and not their
  // wait for a core behind a thousand readers (before 2026-12-05 11:00 they shared the crowd's
  // processes, and at N = 1,000 the generator's full core set the keystroke tail)
  const workers = await new Workers(k + 1).ready();
  const measuring = workers.list[k];
  for (const w of workers.list.slice(0, k)) w.nice(CROWD_NICE);
  try {
    // besides the one that writes the text first; fewer with --full= where the generator's
    // decoding of every state at every full client is what fills its core (N = 1,000)
    const full = Math.min(n - 1, Number(ctx.opt('full') ?? FULL));
    const typists = Math.min(10, full);
    const share = (total, i, parts = k) => Math.floor(total / parts) + (i < total % parts ? 1 : 0);
    // keystrokes kept per typist and phase, and where a typist stops: enough for the warm-up too
    // (until 2026-12-06 a warm-up past ~25 s ran out of them, and the typists fell silent before the window)
    const warmMs = ctx.smoke ? 1000 : Number(ctx.opt('p-warm') ?? WARM_S) * 1000;
    const maxKeys = Math.ceil((Math.max(durationMs, warmMs) / TYPE_MS) * 1.5) + 50;
    // the measuring clients alternate between instances too (with Redis, half are remote)
    const base = (i) => ({ proto, url: srv.urls[i % srv.urls.length], name: `p-${n}`, echo, maxKeys });
    // the first client writes some text, so that every cursor has somewhere to be
    await measuring.call('pSetup', { ...base(0), crowd: 0, full: 0, typists: 0, seedChars: 2000 });
    // the crowd first, the measuring clients last: they sit at the tail of every fan-out loop
    await Promise.all(workers.list.slice(0, k).map((w, i) => w.call('pSetup', { ...base(i), crowd: share(n - full - 1, i), full: 0, typists: 0 })));
    const m = srv.urls.length;
    const setups = [];
    for (let i = 0; i < m; i++) setups.push(await measuring.call('pSetup', { ...base(i), crowd: 0, full: share(full, i, m), typists: share(typists, i, m) }));
    const typistIds = setups.flatMap((s) => s.typistIds);
    const start = () => workers.all('pStart', { typistIds, moveMs: MOVE_MS, typeMs: TYPE_MS });
    await start();
    // warm-up, excluded (WARM_S)
    await sleep(warmMs);
    await workers.all('pStop');

    // ELU counts a process that is runnable but not running as idle: on a loaded machine the
    // generator's own CPU time says better whether its core was full
    const genCpu = () => workers.list.reduce((n, w) => n + procCpuMs(w.proc.pid), 0);
    await workers.eluStart();
    const gen0 = genCpu();
    const cpu0 = srv.cpuMs();
    await start();
    await sleep(durationMs);
    const stops = await workers.all('pStop');
    const cpuMs = srv.cpuMs() - cpu0;
    const genMs = genCpu() - gen0;
    const rss = srv.rss();
    const elus = await workers.all('eluStop');
    const sendT = Object.assign({}, ...stops.map((s) => s.sendT));
    const counts = typistIds.map((id) => sentCount(sendT[id]?.send ?? []));
    for (let t = Date.now(); Date.now() - t < 3000;) {
      const left = (await workers.all('pMissing', { typistIds, counts })).reduce((a, b) => a + b, 0);
      if (!left) break;
      await sleep(20);
    }
    await sleep(1000); // late cursor moves
    const t0 = Math.min(...stops.map((s) => s.t0));
    const t1 = Math.max(...stops.map((s) => s.t1));
    const reps = await workers.all('pReport', { t0, t1 });
    const keys = latencies(sendT, reps.flatMap((r) => r.keys), typistIds);
    const pres = reps.flatMap((r) => r.presence).sort((a, b) => a - b);
    const moves = stops.reduce((a, s) => a + s.moves, 0);
    const receivers = reps.reduce((a, r) => a + r.fullReceivers, 0);
    // each full client receives every move but its own (≈ its share of the moves)
    const expected = moves * receivers - moves * (receivers / n);
    const closed = reps.flatMap((r) => r.closed);
    const windowS = (t1 - t0) / 1000;
    return {
      keyP50: pct(keys.lat, 50), keyP99: pct(keys.lat, 99), keysMissing: keys.missing, keys: keys.keys,
      presP50: pct(pres, 50), presP99: pct(pres, 99), presSamples: pres.length, presDelivered: expected ? pres.length / expected : null,
      movesPerS: moves / windowS,
      cpuPct: (cpuMs / (t1 - t0)) * 100, rssMB: rss / 2 ** 20,
      decodeErrors: reps.reduce((a, r) => a + r.decodeErrors, 0),
      closed: closed.length, closeCodes: [...new Set(closed)].join(','), open: reps.reduce((a, r) => a + r.open, 0),
      eluMax: Math.max(...elus), elus: elus.map((e) => e.toFixed(2)).join(' '), genCpuPct: (genMs / (t1 - t0)) * 100,
    };
  } finally {
    await workers.closeAll().catch(() => {});
    workers.kill();
    const st = await srv.stop();
    if (st.code !== 0 && sid.startsWith('tandem')) ctx.note(`${sid} exit on SIGTERM after P: ${JSON.stringify(st)}`);
  }
}

export async function run(ctx) {
  const cases = [];
  const runsOpt = Number(ctx.opt('runs') ?? (ctx.smoke ? 1 : 3));
  for (const p of plan(ctx)) {
    if (p.redis && !redisServerOnPath()) {
      ctx.note('P over Redis skipped: redis-server is not on PATH');
      continue;
    }
    const c = { case: p.label, results: {} };
    const sids = p.redis ? ctx.servers(['tandem-redis']) : ctx.servers(servers);
    // Every server gets the median of three runs (`--runs` for Tandem, `--peer-runs` for the
    // peers; before 2026-12-06 the peers had one).
    // The servers take turns, run by run (Tandem, Hocuspocus, y-websocket, Tandem, …): this
    // machine's speed drifts by a third within minutes, and three runs of one server and then
    // three of the next put the drift between servers rather than within each one's runs.
    const runsOf = (sid) => (sid.startsWith('tandem') ? runsOpt : Number(ctx.opt('peer-runs') ?? (ctx.smoke ? 1 : 3)));
    const rsOf = new Map(sids.map((sid) => [sid, []]));
    for (let r = 0; r < Math.max(...sids.map(runsOf)); r++) {
      for (const sid of sids) {
        if (r >= runsOf(sid)) continue;
        const load = os.loadavg()[0];
        const m = await oneRun(ctx, sid, p);
        m.load = load;
        rsOf.get(sid).push(m);
        ctx.log(`  P ${p.label} ${sid} run ${r + 1}: keys p50 ${m.keyP50?.toFixed(1)} p99 ${m.keyP99?.toFixed(1)} ms (missing ${m.keysMissing}), presence p50 ${m.presP50?.toFixed(1)} p99 ${m.presP99?.toFixed(1)} ms (${m.presDelivered?.toFixed(3)} delivered), cpu ${m.cpuPct.toFixed(1)} %, rss ${m.rssMB.toFixed(0)} MB, closed ${m.closed} [${m.closeCodes}], elu ${m.elus}, gen cpu ${m.genCpuPct.toFixed(0)} %, load ${load.toFixed(1)}`);
      }
    }
    for (const sid of sids) {
      const rs = rsOf.get(sid);
      const m = {};
      for (const key of Object.keys(rs[0])) m[key] = typeof rs[0][key] === 'number' ? median(rs.map((x) => x[key])) : rs[rs.length >> 1][key];
      m.runsP99 = rs.map((x) => `${x.keyP99?.toFixed(1) ?? '—'} / ${x.presP99?.toFixed(1) ?? '—'}`).join(' · ');
      m.runs = rs;
      c.results[sid] = m;
      if (ctx.smoke) checkSmoke(m, sid);
    }
    cases.push(c);
  }
  return cases;
}

/** The smoke's sanity checks: every client stayed, every keystroke and nearly every move arrived. */
function checkSmoke(m, sid) {
  const bad = [];
  if (m.closed) bad.push(`${m.closed} connections closed by the server`);
  if (m.decodeErrors) bad.push(`${m.decodeErrors} messages undecodable`);
  if (m.keysMissing || !m.keys) bad.push(`${m.keysMissing} keystroke receipts missing of ${m.keys} keystrokes`);
  if (!(m.presDelivered >= 0.95)) bad.push(`only ${m.presDelivered} of the cursor moves delivered`);
  if (!(m.keyP99 > 0 && m.presP99 > 0)) bad.push('no latency measured');
  if (bad.length) throw new Error(`P smoke on ${sid}: ${bad.join('; ')}`);
}

export function targets(cases) {
  const out = [];
  const big = cases.find((c) => c.case === 'N=1000')?.results.tandem;
  if (big) {
    out.push({ text: `N=1,000 keystroke p99 ≤ 50 ms: ${big.keyP99?.toFixed(1)} ms`, met: big.keyP99 !== null && big.keyP99 <= 50 && !big.keysMissing });
    out.push({ text: `N=1,000 presence p99 ≤ 250 ms: ${big.presP99?.toFixed(1)} ms (${big.presDelivered?.toFixed(3)} delivered)`, met: big.presP99 !== null && big.presP99 <= 250 && big.presDelivered >= 0.99 });
    out.push({ text: `N=1,000 server CPU ≤ one core: ${big.cpuPct.toFixed(0)} %`, met: big.cpuPct <= 100 });
  }
  const cross = cases.find((c) => c.results['tandem-redis'])?.results['tandem-redis'];
  if (cross) out.push({ text: `N=1,000 over two instances, presence p99 ≤ 500 ms: ${cross.presP99?.toFixed(1)} ms`, met: cross.presP99 !== null && cross.presP99 <= 500 && cross.presDelivered >= 0.99 });
  for (const c of cases.filter((x) => x.results.tandem && !x.case.includes('echo'))) {
    const t = c.results.tandem;
    // a peer that delivered less did less work: only those that delivered as much are compared
    const equal = Object.entries(c.results).filter(([s, r]) => !s.startsWith('tandem') && (r.presDelivered ?? 0) >= 0.99 * (t.presDelivered ?? 0));
    if (!equal.length) {
      out.push({ text: `${c.case} server CPU ≤ 0.5× the best peer's at equal delivery: no peer delivered as much (Tandem ${t.cpuPct.toFixed(0)} %, ${t.presDelivered?.toFixed(3)} delivered)`, met: null });
      continue;
    }
    const [sid, best] = equal.sort((a, b) => a[1].cpuPct - b[1].cpuPct)[0];
    out.push({ text: `${c.case} server CPU ≤ 0.5× the best peer's at equal delivery: ${t.cpuPct.toFixed(0)} % vs ${sid} ${best.cpuPct.toFixed(0)} % (${(t.cpuPct / best.cpuPct).toFixed(2)}×)`, met: t.cpuPct <= 0.5 * best.cpuPct });
  }
  return out;
}
