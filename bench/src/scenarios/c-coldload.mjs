// C. Cold load of a real document: the automerge-paper trace written as 2,598 updates of
// 100 edits and as 259,778 one-edit updates; SIGTERM; restart; time to load it.
import { ServerProcess } from '../servers.mjs';
import { tracePath, verifyTrace } from '../trace.mjs';
import { median, sleep } from '../util.mjs';

export const id = 'C';
export const title = 'C. Cold load of a real document (automerge-paper trace, Y.Text)';
export const servers = ['tandem', 'yws-leveldb', 'hocus-file'];
export const budgetMs = 200000;
export const smokeBudgetMs = 15000;
export const metrics = [
  { key: 'loadMs', label: 'cold load ms (connect → text matches), median of 3', better: 'lower', digits: 1 },
  { key: 'firstSyncComplete', label: 'first sync holds the whole text (3/3)' },
  { key: 'warmJoinMs', label: 'warm join ms (another client has it open; connect → text matches), median of 3', better: 'lower', digits: 1 },
  { key: 'complete', label: 'text after restart equals the trace (no edit lost)' },
  { key: 'missingChars', label: 'chars missing after restart', better: 'lower', digits: 0 },
  { key: 'writeMs', label: 'write: ms until a second peer has it all', better: 'lower', digits: 0 },
  { key: 'diskKB', label: 'disk KB after SIGTERM', better: 'lower', digits: 0 },
  { key: 'diskPerDocByte', label: 'disk bytes per encoded document byte', better: 'lower', digits: 2 },
  { key: 'diskPerChar', label: 'disk bytes per text char', better: 'lower', digits: 2 },
  { key: 'stopMs', label: 'SIGTERM → exit ms', better: 'lower', digits: 0 },
  { key: 'exitCode', label: 'exit code on SIGTERM' },
];

export async function run(ctx) {
  // smoke writes a 3,000-edit prefix and skips the (3 s) full-trace check
  const v = ctx.smoke ? { edits: 259778 } : verifyTrace();
  if (!ctx.smoke) ctx.log(`  trace verified: ${v.edits} edits → ${v.chars} chars`);
  const limit = ctx.smoke ? 3000 : Infinity;
  const forms = [
    { case: `${Math.ceil(Math.min(limit, v.edits) / 100)} updates of 100 edits`, batch: 100 },
    { case: `${Math.min(limit, v.edits)} one-edit updates`, batch: 1 },
  ];
  const [w0, w1] = ctx.workers.list;
  const cases = [];
  for (const form of forms) {
    const c = { case: form.case, results: {} };
    // the measuring client decodes this document once per server: warm it up first, so that
    // its JIT warm-up does not land on whichever server is measured first
    await w1.call('cWarm', { tracePath, batch: form.batch, limit });
    for (const sid of ctx.servers(servers)) {
      let server = await new ServerProcess(sid).start();
      const { proto } = server.def;
      const name = `paper/${form.batch}`;
      const r = {};
      try {
        const wr = await w0.call('cWrite', { proto, url: server.url, name, tracePath, batch: form.batch, limit });
        if (!wr.ok) throw new Error('Yjs replay of the trace does not give endContent');
        const expected = wr.final;
        const seen = await w1.call('cLoad', { proto, url: server.url, name, expectLen: expected.length, expected, timeoutMs: ctx.smoke ? 10000 : 90000, settleMs: 5000 });
        r.writeMs = seen.ms;
        r.peerSawAll = seen.complete;
        await ctx.workers.closeAll();
        await sleep(1000);
        const st = await server.stop();
        r.stopMs = st.ms;
        r.exitCode = String(st.code === null ? st.signal : st.code);
        const disk = server.disk();
        r.diskKB = disk / 1024;
        r.diskPerDocByte = disk / wr.encodedBytes;
        r.diskPerChar = disk / expected.length;
        r.encodedBytes = wr.encodedBytes;
        r.updates = wr.updates;
        const loads = [];
        for (let i = 0; i < (ctx.smoke ? 1 : 3); i++) {
          server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
          loads.push(await w1.call('cLoad', { proto, url: server.url, name, expectLen: expected.length, expected, timeoutMs: 30000, settleMs: 3000 }));
          await server.stop();
        }
        // warm join: one client holds the document open, a second one (new each time) joins
        server = await new ServerProcess(sid, { dataDir: server.dataDir }).start();
        const expect = { proto, url: server.url, name, expectLen: expected.length, expected, timeoutMs: 30000, settleMs: 3000 };
        const holder = await w0.call('cLoad', { ...expect, keep: true });
        const joins = [];
        if (holder.complete) for (let i = 0; i < (ctx.smoke ? 1 : 3); i++) joins.push(await w1.call('cLoad', expect));
        await ctx.workers.closeAll();
        await server.stop();
        r.warmJoins = joins.map((j) => j.ms);
        r.warmJoinMs = joins.length && joins.every((j) => j.complete) ? median(joins.map((j) => j.ms)) : null;
        r.loads = loads;
        r.complete = loads.every((l) => l.complete);
        r.loadMs = r.complete ? median(loads.map((l) => l.ms)) : null;
        r.firstSyncComplete = loads.every((l) => l.firstSyncComplete);
        r.missingChars = Math.max(...loads.map((l) => Math.abs(expected.length - l.finalLen)));
        ctx.log(`  C ${form.case} ${sid}: load ${r.loadMs?.toFixed(1)} ms, warm join ${r.warmJoinMs?.toFixed(1)} ms (${r.warmJoins.map((m) => m?.toFixed(1)).join(', ')}), first sync complete ${r.firstSyncComplete}, complete ${r.complete}, missing ${r.missingChars}, disk ${r.diskKB.toFixed(0)} KB, write ${r.writeMs?.toFixed(0)} ms`);
        if (ctx.smoke && sid.startsWith('tandem') && !(r.complete && r.firstSyncComplete)) throw new Error(`${sid} lost edits or answered an incomplete first sync`);
      } finally {
        await server.stop();
        server.cleanup();
      }
      c.results[sid] = r;
    }
    cases.push(c);
  }
  return cases;
}

export function targets(cases) {
  const out = [];
  for (const c of cases) {
    const t = c.results.tandem;
    const h = c.results['hocus-file'];
    if (t && h) out.push({ text: `${c.case}: load time ≤ 1/3 of Hocuspocus+files: ${t.loadMs?.toFixed(1)} vs ${h.loadMs?.toFixed(1)} ms (${(t.loadMs / h.loadMs).toFixed(2)}×)`, met: t.loadMs !== null && h.loadMs !== null ? t.loadMs <= h.loadMs / 3 : false });
    if (t && h) out.push({ text: `${c.case}: warm join ≤ Hocuspocus+files: ${t.warmJoinMs?.toFixed(1)} vs ${h.warmJoinMs?.toFixed(1)} ms (${(t.warmJoinMs / h.warmJoinMs).toFixed(2)}×)`, met: t.warmJoinMs != null && h.warmJoinMs != null ? t.warmJoinMs <= h.warmJoinMs : false });
    if (t) out.push({ text: `${c.case}: no edit lost, first sync whole (Tandem: complete ${t.complete}, first sync whole ${t.firstSyncComplete})`, met: t.complete && t.firstSyncComplete });
  }
  return out;
}
