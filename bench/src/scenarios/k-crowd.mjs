// K300. Scenario K (keystroke latency between two Chromium browsers, ../browser/latency.mjs) in a
// crowded document: the same two people, plus 300 simulated ones (raw awareness clients in a
// load-generator process, k-crowd.worker.mjs) moving their cursors once a second, spread over
// the text. Side by side with the same document and no crowd, rounds interleaved, so the
// difference is the crowd's cost: the server relaying 300 moves a second to everyone, and the
// browsers taking them in (carets near the viewport only, presence collapsed to "+N").
import { ServerProcess } from '../servers.mjs';
import { cpuMs } from '../proc.mjs';
import { CROWD_NICE, Worker } from '../workers.mjs';
import { findChromium, measure, summarize } from '../browser/latency.mjs';
import { appSetup, buildApp, metrics as kMetrics } from './k-keystroke.mjs';

export const id = 'K300';
export const title = 'K300. Keystroke latency with 300 people in the document (two Chromium browsers + 300 simulated peers)';
export const servers = ['tandem'];
export const budgetMs = 300000;
export const smokeBudgetMs = 40000;
export const inSmoke = false;
export const metrics = kMetrics;

const PEERS = 300;
const HZ = 1;
const PARAGRAPHS = 40;
const NONE = 'Tandem app, no one else in the document';
const CROWD = `Tandem app, ${PEERS} simulated people moving their cursors ${HZ}×/s`;

export async function run(ctx) {
  const { chromium, missing } = findChromium();
  if (missing) {
    ctx.log(`K300 skipped: ${missing}`);
    return null;
  }
  if (ctx.servers(servers).length === 0) return null;
  buildApp();
  const keys = ctx.smoke ? 20 : 300;
  const rounds = ctx.smoke ? 1 : 3;
  const delayMs = 40;
  const warmup = Math.min(20, Math.floor(keys / 10));
  const worker = ctx.workers.list[0];
  const server = await new ServerProcess('tandem').start();
  // The crowd stands for 300 people on other machines: its process yields the cores to the
  // browsers and the server, as P's crowd does to its measuring clients. It needs a session of
  // its own for that (Worker): until 2026-12-05 16:10 its niceness made it yield to the server
  // only, not to the browsers. It shares the server's core: on core 1 (until 2026-12-05 20:20)
  // its reads of each keystroke's and each tick's 300 frames came right when the server's
  // fan-out held core 0 and B's browser wanted a core to read its own frame; on core 0 it reads
  // after the fan-out, when the server is idle, and the browsers keep core 1.
  const crowd = new Worker({ session: true, core: 0 });
  try {
    await crowd.call('ping');
    crowd.nice(CROWD_NICE);
    const url = `ws://127.0.0.1:${server.port}`;
    const app = appSetup(server);
    const rows = { [NONE]: [], [CROWD]: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [CROWD, NONE] : [NONE, CROWD];
      for (const label of order) {
        const doc = `crowd-${Date.now()}-${round}`;
        const t0 = performance.now();
        const cpu0 = [cpuMs(crowd.proc.pid), server.cpuMs()];
        const { last } = await worker.call('kSeed', { proto: 'yws', url, name: doc, paragraphs: PARAGRAPHS });
        const measured = await measure(chromium, {
          label,
          urlA: app.page(doc, 'Typist'),
          urlB: app.page(doc, 'Watcher'),
          waitReady: async (a, b) => {
            await app.ready(a, b);
            for (const p of [a, b]) await p.locator('.ProseMirror p', { hasText: last }).waitFor();
            if (label !== CROWD) return;
            // The crowd comes once both pages are loaded (pages load slowly on a busy machine
            // while the server relays 300 moves a second to 300 sockets).
            const { peers } = await crowd.call('kCrowd', { proto: 'yws', url, name: doc, peers: PEERS, hz: HZ });
            ctx.log(`K300: ${peers} simulated people on ${doc}`);
            // Everyone is in B's presence: itself, the typist, the crowd.
            await b.locator('.tandem-people__more', { hasText: `+${PEERS + 2 - 3}` }).waitFor({ timeout: 60_000 });
          },
          keys,
          delayMs,
          warmup,
          log: ctx.log,
        });
        rows[label].push(...measured);
        // what the crowd and the server took of core 0 over the round (the crowd yields it)
        const share = (ms) => `${((100 * ms) / (performance.now() - t0)).toFixed(0)} %`;
        const use = `server ${share(server.cpuMs() - cpu0[1])}, crowd ${share(cpuMs(crowd.proc.pid) - cpu0[0])} of a core`;
        if (label === CROWD) ctx.log(`K300: the crowd moved ${(await crowd.call('kCrowdRate')).toFixed(0)} times a second (${PEERS * HZ} asked); ${use}`);
        else ctx.log(`K300: no one else; ${use}`);
        await ctx.workers.closeAll();
        await crowd.call('closeAll');
      }
    }
    const suffix = ` — ${PARAGRAPHS}-paragraph document, ${rounds} × ${keys} keystrokes ${delayMs} ms apart, first ${warmup} of each round dropped`;
    const cases = [NONE, CROWD].map((label) => ({ case: label + suffix, results: { tandem: summarize(rows[label]) } }));
    ctx.log(explain(cases)); // RESULTS.md carries it only after a full run
    return cases;
  } finally {
    crowd.kill();
    await server.stop();
    server.cleanup();
  }
}

/** The question the figures answer: what does the crowd cost a keystroke? */
export function explain(cases) {
  const none = cases.find((c) => c.case.startsWith(NONE))?.results.tandem;
  const crowd = cases.find((c) => c.case.startsWith(CROWD))?.results.tandem;
  if (!none || !crowd) return '';
  const d = (k) => `${crowd[k] - none[k] >= 0 ? '+' : '−'}${Math.abs(crowd[k] - none[k]).toFixed(1)}`;
  return `With ${PEERS} people moving their cursors: p50 ${d('p50')} ms, p95 ${d('p95')} ms (the target: within 2 ms of no crowd).`;
}
