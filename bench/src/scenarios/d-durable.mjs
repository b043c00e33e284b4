// D. Durable write throughput: writers as fast as the server accepts, persists and fans
// out while an observer on each document keeps up (at most `window` updates in flight);
// then kill -9 in the middle and count what the observer had seen that is gone after restart.
import { ServerProcess } from '../servers.mjs';
import { durableRun } from '../throughput.mjs';
import { median, sleep } from '../util.mjs';

export const id = 'D';
export const title = 'D. Durable write throughput and kill -9';
export const servers = ['tandem', 'tandem-fsync', 'yws-leveldb', 'hocus-file'];
export const budgetMs = 150000;
export const smokeBudgetMs = 12000;
export const metrics = [
  { key: 'updatesPerS', label: 'updates/s seen by the observer(s), median of 3', better: 'higher', digits: 0 },
  { key: 'cpuPer1k', label: 'server CPU ms / 1,000 updates', better: 'lower', digits: 2 },
  { key: 'seenAtKill', label: 'kill -9: updates a peer had seen', digits: 0 },
  { key: 'lost', label: 'kill -9: seen but missing after restart', better: 'lower', digits: 0 },
  { key: 'workerElu', label: 'load-gen max ELU', digits: 2 },
];

/** One run on `server` (both workers' writers and observers on it); with `killAtMs`, kill -9 then. */
function once(ctx, server, names, window, durationMs, killAtMs) {
  const urls = [server.url, server.url];
  const during = killAtMs ? async () => {
    await sleep(killAtMs);
    await server.kill9();
  } : undefined;
  return durableRun(ctx.workers, { proto: server.def.proto, names, writeUrls: urls, obsUrls: urls, window, durationMs, cpuMs: () => server.cpuMs(), during });
}

export async function run(ctx) {
  const docCounts = ctx.smoke ? [3] : [1, 100];
  const runs = ctx.smoke ? 1 : 3;
  const durationMs = ctx.smoke ? 700 : 2000;
  const cases = [];
  for (const docs of docCounts) {
    const c = { case: `${docs} document${docs > 1 ? 's' : ''}`, results: {} };
    const window = docs === 1 ? 256 : 16;
    for (const sid of ctx.servers(servers)) {
      let server = await new ServerProcess(sid).start();
      try {
        const rs = [];
        // the setup (sockets, first sync) of each run happens inside durableRun, outside its timed window
        for (let r = 0; r < runs; r++) {
          const names = Array.from({ length: docs }, (_, k) => `d-${docs}-${r}-${k}`);
          rs.push((await once(ctx, server, names, window, durationMs, 0)).figures);
        }
        const m = {};
        for (const k of ['updatesPerS', 'cpuPer1k', 'workerElu']) m[k] = median(rs.map((x) => x[k]));
        if (process.env.BENCH_CPU_PROF && sid.startsWith('tandem')) {
          // a process killed with -9 writes no profile: end the measured one with SIGTERM and
          // kill a fresh one on the same data dir
          await server.stop();
          server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
        }
        // kill -9 halfway through a run
        const names = Array.from({ length: docs }, (_, k) => `d-${docs}-kill-${k}`);
        const killed = await once(ctx, server, names, window, durationMs, durationMs / 2);
        server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
        const restored = await ctx.workers.list[0].call('dVerify', { proto: server.def.proto, url: server.url, perDoc: killed.perDoc, settleMs: ctx.smoke ? 300 : 1500 });
        await ctx.workers.closeAll();
        m.seenAtKill = killed.perDoc.reduce((a, p) => a + p.seen, 0);
        m.lost = killed.perDoc.reduce((a, p, i) => a + Math.max(0, p.seen - restored[i]), 0);
        m.docsLosing = killed.perDoc.filter((p, i) => p.seen > restored[i]).length;
        c.results[sid] = m;
        ctx.log(`  D ${docs} docs ${sid}: ${m.updatesPerS.toFixed(0)} updates/s, cpu ${m.cpuPer1k?.toFixed(2)} ms/1k, kill -9: seen ${m.seenAtKill}, lost ${m.lost} (${m.docsLosing} docs), elu ${m.workerElu.toFixed(2)}`);
        if (ctx.smoke && sid.startsWith('tandem') && m.lost) throw new Error(`${sid} lost ${m.lost} updates a peer had seen`);
      } finally {
        await server.stop();
        server.cleanup();
      }
    }
    cases.push(c);
  }
  return cases;
}

export function targets(cases) {
  const out = [];
  for (const c of cases) {
    const r = c.results;
    if (r.tandem && r['yws-leveldb']) {
      const x = r.tandem.updatesPerS / r['yws-leveldb'].updatesPerS;
      out.push({ text: `${c.case}: write-durability throughput ≥ 3× y-websocket+LevelDB: ${r.tandem.updatesPerS.toFixed(0)} vs ${r['yws-leveldb'].updatesPerS.toFixed(0)} updates/s (${x.toFixed(2)}×)`, met: x >= 3 });
    }
    for (const sid of ['tandem', 'tandem-fsync']) {
      if (r[sid]) out.push({ text: `${c.case}: ${sid}: nothing a peer saw is lost by kill -9 (${r[sid].lost} of ${r[sid].seenAtKill})`, met: r[sid].lost === 0 });
    }
  }
  return out;
}
