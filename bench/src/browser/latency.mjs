// Keystroke latency, person to person: two Chromium browsers on one document, keystrokes typed
// in A, and for each the time until the character is in B's DOM (scenario K).
//
// Clocks: A timestamps each keydown (capture phase, before the editor sees it) and B timestamps
// each DOM mutation that adds characters, both as performance.timeOrigin + performance.now();
// the browsers run on the same machine, so the two clocks agree to well under a millisecond.
// WebSocket frames are timestamped too, which splits each latency into: A (keydown → update
// sent), relay (sent by A → received by B: network + server) and B (received → in DOM).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot, workDir } from '../servers.mjs';
import { pct } from '../util.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The same flags as the e2e suite (e2e/playwright.config.ts).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Playwright (the e2e workspace's) and a Chromium, or why not: the scenario is skipped with
 * that one line, as a benchmark is not a test.
 */
export function findChromium() {
  if (!existsSync(CHROMIUM)) return { missing: `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)` };
  try {
    const { chromium } = createRequire(join(repoRoot, 'e2e', 'package.json'))('@playwright/test');
    return { chromium };
  } catch {
    return { missing: 'Playwright is not installed (npm ci at the repository root)' };
  }
}

/**
 * Launches a browser on every core. The harness pins itself to core 1 and its children inherit
 * that; the two browsers are the clients here and run where a person's would, so the harness
 * widens its own affinity while Chromium starts (its zygote forks every renderer) and then
 * narrows it again.
 */
async function launch(chromium) {
  const taskset = (...args) => {
    try {
      return execFileSync('taskset', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    } catch {
      return null; // placement only
    }
  };
  const own = taskset('-cp', String(process.pid))?.match(/list:\s*(\S+)/)?.[1];
  // BENCH_BROWSER_CPUS (e.g. "1"): the browsers on those cores only, off the server's core 0,
  // to see what sharing a core with the server costs them.
  taskset('-cp', process.env.BENCH_BROWSER_CPUS ?? `0-${cpus().length - 1}`, String(process.pid));
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } finally {
    if (own) taskset('-cp', own, String(process.pid));
  }
}

/** Timestamps every WebSocket frame (y-websocket update = bytes 0,2) in the page. */
function instrumentSockets() {
  const Native = window.WebSocket;
  const now = () => performance.timeOrigin + performance.now();
  const isUpdate = (d) => {
    const b = d instanceof ArrayBuffer ? new Uint8Array(d) : d instanceof Uint8Array ? d : null;
    return b !== null && b[0] === 0 && b[1] === 2;
  };
  window.__updatesSent = [];
  window.__updatesReceived = [];
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      // registered before y-websocket's onmessage, so it runs first
      this.addEventListener('message', (e) => {
        if (isUpdate(e.data)) window.__updatesReceived.push(now());
      });
    }
    send(data) {
      if (isUpdate(data)) window.__updatesSent.push(now());
      return super.send(data);
    }
  };
}

/**
 * Types `keys` characters in A, `delayMs` apart; per keystroke after the first `warmup`:
 * total, A, relay and B times in ms. `waitReady(a, b)` resolves once both pages are live.
 */
export async function measure(chromium, { label, urlA, urlB, waitReady, keys, delayMs, warmup, log }) {
  const [browserA, browserB] = await Promise.all([launch(chromium), launch(chromium)]);
  try {
    const a = await browserA.newPage();
    const b = await browserB.newPage();
    const errors = [];
    for (const p of [a, b]) {
      p.on('pageerror', (e) => errors.push(e.message));
      await p.addInitScript(instrumentSockets);
    }
    await Promise.all([a.goto(urlA), b.goto(urlB)]);
    await waitReady(a, b);

    await b.evaluate(() => {
      const editor = document.querySelector('.ProseMirror');
      // Peers' caret labels are text in the DOM too; count only the document's own text. (Read
      // natively: a tree walk over 300 carets cost the page more than what it measured.)
      const labels = editor.getElementsByClassName('collaboration-carets__label');
      const textLength = () => {
        let n = editor.textContent.length;
        for (const label of labels) n -= label.textContent.length;
        return n;
      };
      window.__arrivals = [];
      window.__updatesReceived.length = 0;
      const before = textLength(); // a document may start with text (K's crowd variant)
      // Moving a peer's caret adds and removes only caret elements: no need to count again.
      const caret = (n) => n.nodeType === 1 && n.classList.contains('collaboration-carets__caret');
      const inCaret = (n) => Boolean((n.nodeType === 1 ? n : n.parentElement)?.closest('.collaboration-carets__caret'));
      const mayCount = (r) => !inCaret(r.target) && (r.type === 'characterData' || [...r.addedNodes, ...r.removedNodes].some((n) => !caret(n)));
      new MutationObserver((records) => {
        const t = performance.timeOrigin + performance.now();
        if (!records.some(mayCount)) return;
        const n = textLength() - before;
        while (window.__arrivals.length < n) window.__arrivals.push(t);
      }).observe(editor, { childList: true, subtree: true, characterData: true });
    });
    await a.locator('.ProseMirror').click();
    await a.evaluate(() => {
      window.__sent = [];
      window.__updatesSent.length = 0;
      window.addEventListener('keydown', () => window.__sent.push(performance.timeOrigin + performance.now()), true);
    });

    const probes = await Promise.all([startProbe(a, 'A'), startProbe(b, 'B')]);
    const sentence = 'the quick brown fox jumps over the lazy dog ';
    const text = sentence.repeat(Math.ceil(keys / sentence.length)).slice(0, keys);
    log(`${label}: typing ${keys} keys, ${delayMs} ms apart`);
    await a.keyboard.type(text, { delay: delayMs });
    await b.waitForFunction((n) => window.__arrivals.length >= n, keys, { timeout: 30_000 });
    for (const probe of probes) await probe.stop(label, log);

    const sent = await a.evaluate(() => window.__sent);
    const upSent = await a.evaluate(() => window.__updatesSent);
    const upRecv = await b.evaluate(() => window.__updatesReceived);
    const arrivals = await b.evaluate(() => window.__arrivals);
    // without peers' caret labels: in K300 a peer's cursor can land inside the typed text
    const bText = await b.evaluate(() => {
      const copy = document.querySelector('.ProseMirror').cloneNode(true);
      for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
      return copy.textContent;
    });
    if (!bText.includes(text.trim())) throw new Error(`${label}: B does not hold the typed text`);
    if (errors.length) throw new Error(`${label}: page errors: ${errors.join('; ')}`);
    if (sent.length !== keys) throw new Error(`${label}: expected ${keys} keydowns, saw ${sent.length}`);
    // One update frame per keystroke is what both clients do at this pace; if not, skip the split.
    const split = upSent.length === keys && upRecv.length === keys;
    if (!split) log(`${label}: ${upSent.length} updates sent / ${upRecv.length} received for ${keys} keys: no A/relay/B split this round`);
    const rows = [];
    for (let i = warmup; i < keys; i++) {
      rows.push({
        total: arrivals[i] - sent[i],
        a: split ? upSent[i] - sent[i] : NaN,
        relay: split ? upRecv[i] - upSent[i] : NaN,
        b: split ? arrivals[i] - upRecv[i] : NaN,
      });
    }
    return rows;
  } finally {
    await Promise.all([browserA.close(), browserB.close()]);
  }
}

/**
 * Where a page's time goes while the keys are typed: Chromium's own counters (script, layout,
 * style) logged per page, and with BENCH_PAGE_PROF=1 a CPU profile of each page written to
 * bench/.work/prof/ (open it in Chromium's DevTools). The counters are read before and after
 * the typing; a profile slows the page while it runs, so rounds profiled are not for the record.
 */
async function startProbe(page, who) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await read();
  const profile = Boolean(process.env.BENCH_PAGE_PROF);
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  return {
    async stop(label, log) {
      const after = await read();
      const d = (k) => ((after[k] - before[k]) * 1000).toFixed(0);
      log(`${label}, page ${who}: task ${d('TaskDuration')} ms, script ${d('ScriptDuration')}, layout ${d('LayoutDuration')} (${after.LayoutCount - before.LayoutCount}×), style ${d('RecalcStyleDuration')} (${after.RecalcStyleCount - before.RecalcStyleCount}×) over ${d('Timestamp')} ms`);
      if (profile) {
        const { profile: p } = await cdp.send('Profiler.stop');
        const dir = join(workDir, 'prof');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `page-${who}-${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}.cpuprofile`);
        writeFileSync(file, JSON.stringify(p));
        log(`  profile: ${file}`);
      }
      await cdp.detach();
    },
  };
}

/** The scenario's metrics (see k-keystroke.mjs) over all rounds' rows. */
export function summarize(rows) {
  const sorted = (xs) => xs.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  const total = sorted(rows.map((r) => r.total));
  const out = {
    keystrokes: total.length,
    p50: pct(total, 50),
    p95: pct(total, 95),
    p99: pct(total, 99),
    max: total.length ? total[total.length - 1] : null,
    mean: total.length ? total.reduce((s, x) => s + x, 0) / total.length : null,
  };
  for (const part of ['a', 'relay', 'b']) {
    const v = sorted(rows.map((r) => r[part]));
    out[`${part}P50`] = pct(v, 50);
    out[`${part}P95`] = pct(v, 95);
  }
  return out;
}
