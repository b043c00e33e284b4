// K. Keystroke latency, person to person, in two Chromium browsers (see ../browser/latency.mjs).
// Side by side on the same machine and driver: Tandem's app on Tandem's server, and a bare
// Tiptap page on Tandem's server and on the y-websocket 1.5.4 reference server — the same page
// on both servers tells client cost from server cost. Needs Chromium: without it the scenario
// is skipped with one line.
import { spawnSync } from 'node:child_process';
import { ServerProcess, repoRoot } from '../servers.mjs';
import { findChromium, measure, summarize } from '../browser/latency.mjs';
import { startBarePage } from '../browser/barePage.mjs';

export const id = 'K';
export const title = 'K. Keystroke latency, person to person (two Chromium browsers)';
export const servers = ['tandem', 'yws'];
export const budgetMs = 240000;
export const smokeBudgetMs = 30000;
export const metrics = [
  { key: 'p50', label: 'keydown in A → in B\'s DOM p50 ms', better: 'lower', digits: 1 },
  { key: 'p95', label: 'p95 ms', better: 'lower', digits: 1 },
  { key: 'p99', label: 'p99 ms', better: 'lower', digits: 1 },
  { key: 'max', label: 'max ms', better: 'lower', digits: 1 },
  { key: 'mean', label: 'mean ms', better: 'lower', digits: 1 },
  { key: 'aP50', label: 'A: keydown → update sent p50 ms', better: 'lower', digits: 1 },
  { key: 'relayP50', label: 'relay: sent by A → received by B p50 ms', better: 'lower', digits: 1 },
  { key: 'bP50', label: 'B: received → in DOM p50 ms', better: 'lower', digits: 1 },
  { key: 'aP95', label: 'A p95 ms', better: 'lower', digits: 1 },
  { key: 'relayP95', label: 'relay p95 ms', better: 'lower', digits: 1 },
  { key: 'bP95', label: 'B p95 ms', better: 'lower', digits: 1 },
  { key: 'keystrokes', label: 'keystrokes measured', digits: 0 },
];

const APP = 'Tandem app (client/)';
const BARE = 'Bare Tiptap page (Collaboration + carets only)';

/** One setup: a page URL per person on a fresh document, and how to tell both pages are live. */
export function appSetup(server) {
  return {
    page: (doc, name) => `http://127.0.0.1:${server.port}/d/${doc}?name=${name}`,
    ready: async (a, b) => {
      for (const p of [a, b]) await p.locator('[role="status"][data-status="connected"]').waitFor();
      await b.locator('.tandem-avatar[data-user-name="Typist"]').waitFor();
    },
  };
}

function bareSetup(site, server) {
  return {
    page: (doc, name) => `${site.url}/?ws=ws://127.0.0.1:${server.port}&doc=${doc}&name=${name}`,
    ready: async (a, b) => {
      for (const p of [a, b]) await p.waitForFunction(() => window.__synced === true);
      await b.locator('.ProseMirror').waitFor();
    },
  };
}

/** The app page is client/dist, served by Tandem: build what is missing or stale. */
export function buildApp() {
  if (spawnSync(process.execPath, [`${repoRoot}/scripts/build.mjs`], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) throw new Error('build failed');
}

export async function run(ctx) {
  const { chromium, missing } = findChromium();
  if (missing) {
    ctx.log(`K skipped: ${missing}`);
    return null;
  }
  buildApp();
  const keys = ctx.smoke ? 20 : 300;
  const rounds = ctx.smoke ? 1 : 3;
  const delayMs = 40; // between keystrokes: a fast typist, ~25 chars/s
  const warmup = Math.min(20, Math.floor(keys / 10));

  const stoppers = [];
  const setups = []; // { case, sid, setup }
  try {
    // Smoke runs the reference server too: one more browser pair, a few seconds.
    const sids = ctx.servers(servers, { allInSmoke: true });
    const started = {};
    for (const sid of sids) {
      started[sid] = await new ServerProcess(sid).start();
      stoppers.push(async () => {
        await started[sid].stop();
        started[sid].cleanup();
      });
    }
    if (started.tandem) setups.push({ case: APP, sid: 'tandem', setup: appSetup(started.tandem) });
    const site = await startBarePage();
    stoppers.push(site.stop);
    for (const sid of sids) setups.push({ case: BARE, sid, setup: bareSetup(site, started[sid]) });

    const rows = setups.map(() => []);
    for (let round = 0; round < rounds; round++) {
      // alternate who goes first, so slow drift in machine load does not favour one side
      const order = setups.map((_, i) => i);
      if (round % 2) order.reverse();
      for (const i of order) {
        const { case: label, sid, setup } = setups[i];
        const doc = `latency-${Date.now()}-${round}`;
        const measured = await measure(chromium, {
          label: `${label} on ${sid}`,
          urlA: setup.page(doc, 'Typist'),
          urlB: setup.page(doc, 'Watcher'),
          waitReady: setup.ready,
          keys,
          delayMs,
          warmup,
          log: ctx.log,
        });
        rows[i].push(...measured);
      }
    }
    const cases = [];
    for (const [i, s] of setups.entries()) {
      let c = cases.find((x) => x.case === s.case);
      if (!c) cases.push((c = { case: s.case, results: {} }));
      c.results[s.sid] = summarize(rows[i]);
    }
    for (const c of cases) c.case += ` — ${rounds} × ${keys} keystrokes ${delayMs} ms apart, first ${warmup} of each round dropped`;
    return cases;
  } finally {
    for (const stop of stoppers.reverse()) await stop();
  }
}

/** The two questions the figures answer: slower than the reference, and is that client or server? */
export function explain(cases) {
  const app = cases.find((c) => c.case.startsWith(APP))?.results.tandem;
  const bare = cases.find((c) => c.case.startsWith(BARE))?.results;
  if (!app || !bare?.tandem || !bare.yws) return '';
  const delta = (x, y) => {
    const d = (k) => `${x[k] - y[k] >= 0 ? '+' : '−'}${Math.abs(x[k] - y[k]).toFixed(1)}`;
    return `p50 ${d('p50')} ms, p95 ${d('p95')} ms`;
  };
  return (
    `Tandem vs reference: ${delta(app, bare.yws)}. Of that, client (app vs bare page, same Tandem server): ${delta(app, bare.tandem)}; ` +
    `server (bare page, Tandem vs y-websocket server): ${delta(bare.tandem, bare.yws)}. ` +
    'Rows of one run are comparable (same machine, same minute, rounds interleaved); across runs on this shared 2-core machine p95 moves by several ms, so read the deltas, not the absolute figures.'
  );
}
