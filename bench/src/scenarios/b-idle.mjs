// B. Idle connections: many raw connections over 100 documents, each with an awareness
// state, opened in steps; forced GC in the server before every RSS sample.
import { ServerProcess, nofile } from '../servers.mjs';
import { slope } from '../util.mjs';

export const id = 'B';
export const title = 'B. Idle connections (awareness state each, 100 documents)';
export const servers = ['tandem', 'yws', 'yws-leveldb', 'hocus', 'hocus-file'];
export const budgetMs = 250000;
export const smokeBudgetMs = 15000;
export const metrics = [
  { key: 'kbPerConn', label: 'KB RSS per connection (marginal)', better: 'lower', digits: 2 },
  { key: 'kbPerDoc', label: 'KB RSS per open document', better: 'lower', digits: 1 },
  { key: 'mbBase', label: 'RSS idle server MB', better: 'lower', digits: 1 },
  { key: 'mbFull', label: 'RSS with all connections MB', better: 'lower', digits: 1 },
  { key: 'usPerConnSetup', label: 'server CPU µs per connection setup', better: 'lower', digits: 0 },
  { key: 'openPerS', label: 'connections opened/s', better: 'higher', digits: 0 },
  { key: 'opened', label: 'connections opened (within the budget)', digits: 0 },
  { key: 'failed', label: 'connections failed or dropped', better: 'lower', digits: 0 },
];

export async function run(ctx) {
  const docs = ctx.smoke ? 10 : 100;
  const steps = ctx.smoke ? [10, 100, 200] : [100, 2500, 5000, 7500, 10000];
  const total = steps[steps.length - 1];
  const lim = nofile();
  if (lim.soft < total + 1000) ctx.note(`open-file limit ${lim.soft} is too low for ${total} sockets`);
  const c = { case: `${total.toLocaleString('en-US')} connections over ${docs} documents`, results: {} };
  for (const sid of ctx.servers(servers)) {
    const server = await new ServerProcess(sid).start();
    try {
      const { proto } = server.def;
      const rss = [await server.gcRss(ctx.gcWaitMs)];
      const conns = [0];
      let opened = 0;
      let setupCpu = 0;
      let setupMs = 0;
      let failed = 0;
      const tOpen = Date.now();
      const openBudgetMs = ctx.smoke ? 10000 : 40000;
      for (const target of steps) {
        if (Date.now() - tOpen > openBudgetMs) {
          ctx.note(`B ${sid}: stopped at ${opened} connections, its ${openBudgetMs / 1000} s opening budget spent`);
          break;
        }
        const names = [];
        for (let i = opened; i < target; i++) names.push(`b-doc-${i % docs}`);
        const parts = ctx.workers.list.map((_, w) => names.filter((_, i) => i % ctx.workers.list.length === w));
        const cpu0 = server.cpuMs();
        const rs = await Promise.all(ctx.workers.list.map((w, i) => w.call('bOpen', { proto, url: server.url, names: parts[i], concurrency: 64 })));
        setupCpu += server.cpuMs() - cpu0;
        setupMs += Math.max(...rs.map((r) => r.ms));
        failed += rs.reduce((a, r) => a + r.failed, 0);
        opened = target;
        rss.push(await server.gcRss(ctx.gcWaitMs));
        conns.push(target);
      }
      const alive = (await ctx.workers.all('bAlive')).reduce((a, b) => a + b, 0);
      failed = Math.max(failed, opened - alive);
      // marginal per connection: slope over the steps after every document is open
      const perConn = slope(conns.slice(1), rss.slice(1));
      const perDoc = (rss[1] - rss[0] - perConn * steps[0]) / docs;
      c.results[sid] = {
        kbPerConn: perConn / 1024, kbPerDoc: perDoc / 1024,
        mbBase: rss[0] / 2 ** 20, mbFull: rss[rss.length - 1] / 2 ** 20,
        usPerConnSetup: (setupCpu * 1000) / opened, openPerS: opened / (setupMs / 1000), failed, opened,
        rssSteps: rss.map((r, i) => [conns[i], r]),
      };
      const m = c.results[sid];
      ctx.log(`  B ${sid}: ${m.kbPerConn.toFixed(2)} KB/conn, ${m.kbPerDoc.toFixed(1)} KB/doc, base ${m.mbBase.toFixed(1)} MB, full ${m.mbFull.toFixed(1)} MB, ${m.usPerConnSetup.toFixed(0)} µs/conn, failed ${failed}`);
      if (failed && ctx.smoke) throw new Error(`${sid}: ${failed} idle connections failed`);
    } finally {
      await ctx.workers.closeAll();
      const st = await server.stop();
      if (st.code !== 0) ctx.note(`${sid} exit on SIGTERM (B): ${JSON.stringify(st)}`);
      server.cleanup();
    }
  }
  return [c];
}

export function targets(cases) {
  const r = cases[0].results;
  const t = r.tandem?.kbPerConn;
  const y = r.yws?.kbPerConn;
  return [
    { text: `≤ 5 KB per idle connection: Tandem ${t?.toFixed(2)} KB`, met: t === undefined ? null : t <= 5 },
    { text: `≤ 0.5× y-websocket's KB per connection: ${t?.toFixed(2)} vs ${y?.toFixed(2)} KB (${(t / y).toFixed(2)}×)`, met: t === undefined || y === undefined ? null : t <= 0.5 * y },
  ];
}
