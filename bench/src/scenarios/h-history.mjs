// H. The document API's conversions (Tandem only: the peers have none). The automerge-paper
// document as the editor stores it (one paragraph per line, ≈105,000 characters) is imported,
// then exported in each format (each export converts in a worker thread); then typing on
// another document is timed alone and while ten HTML exports of the paper run at once. Last, a
// conversion that would run for many seconds (Markdown whose tokenizing is quadratic) is
// stopped by CONVERSION_TIMEOUT_MS: how long past the timeout the 503 comes, and how soon the
// next conversion is answered by the replaced worker (issue 27).
import * as Y from 'yjs';
import { ServerProcess } from '../servers.mjs';
import { openProvider } from '../clients.mjs';
import { readTrace } from '../trace.mjs';
import { pct, sleep } from '../util.mjs';

export const id = 'H';
export const title = 'H. Export of the paper document, and typing while ten exports run';
export const servers = ['tandem'];
export const budgetMs = 120000;
// A worker pool starting, the conversions' modules loading and 80 exports: not for the smoke run.
export const inSmoke = false;
export const metrics = [
  { key: 'p50', label: 'median ms', better: 'lower', digits: 1 },
  { key: 'p90', label: 'p90 ms', better: 'lower', digits: 1 },
  { key: 'max', label: 'max ms', better: 'lower', digits: 1 },
  { key: 'p99', label: 'p99 ms', better: 'lower', digits: 2 },
  { key: 'n', label: 'samples', digits: 0 },
  { key: 'bytes', label: 'bytes', digits: 0 },
];

const FORMATS = ['md', 'html', 'txt', 'json', 'yjs'];
const EXPORTS = 15;
const PARALLEL = 10;

/** The paper's final text as editor paragraphs, in one update. */
function paperUpdate() {
  const text = readTrace().endContent;
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  doc.transact(() => {
    fragment.insert(0, text.split('\n').map((line) => {
      const p = new Y.XmlElement('paragraph');
      if (line) p.insert(0, [new Y.XmlText(line)]);
      return p;
    }));
  });
  return { update: Y.encodeStateAsUpdate(doc), chars: text.length, paragraphs: fragment.length };
}

async function timedExport(base, format) {
  const t = performance.now();
  const res = await fetch(`${base}/api/docs/paper/export?format=${format}`);
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`export ${format}: ${res.status}`);
  return { ms: performance.now() - t, bytes: body.byteLength };
}

const spread = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1], n: s.length };
};

/** Typing at 50 Hz into another document for `ms`: insert at one client → receipt at another. */
async function typing(url, ms, during) {
  const make = () => {
    const doc = new Y.Doc();
    const { provider, synced } = openProvider('yws', url, 'typing', doc);
    return { doc, provider, synced };
  };
  const w = make();
  const o = make();
  await Promise.all([w.synced, o.synced]);
  const sent = new Map();
  const lat = [];
  o.doc.getText('t').observe((e) => {
    for (const d of e.delta) {
      if (typeof d.insert !== 'string') continue;
      for (const key of d.insert.split('|')) if (sent.has(key)) lat.push(performance.now() - sent.get(key));
    }
  });
  let i = 0;
  const text = w.doc.getText('t');
  const timer = setInterval(() => {
    const key = `k${i++}`;
    sent.set(key, performance.now());
    text.insert(text.length, `|${key}|`);
  }, 20);
  const load = during?.();
  await sleep(ms);
  clearInterval(timer);
  const extra = await load;
  await sleep(300);
  for (const c of [w, o]) {
    c.provider.destroy();
    c.doc.destroy();
  }
  return { ...spread(lat), extra };
}

/** CONVERSION_TIMEOUT_MS of the stop measurement; the slow import parses for 10 s or more. */
const STOP_TIMEOUT_MS = 2000;
const SLOW_MARKDOWN = 'word\n\n'.repeat(4800);
const STOPS = 3;

/** A conversion stopped at the timeout: ms from the request to its 503, then to the next conversion's answer. */
async function stoppedConversions(sid) {
  const server = await new ServerProcess(sid, { env: { CONVERSION_TIMEOUT_MS: String(STOP_TIMEOUT_MS) } }).start();
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const answered = [];
    const next = [];
    for (let i = 0; i < STOPS; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/docs/slow/import`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: SLOW_MARKDOWN });
      await res.arrayBuffer();
      if (res.status !== 503) throw new Error(`the slow import answered ${res.status}, not 503`);
      answered.push(performance.now() - t);
      const t2 = performance.now();
      const ok = await fetch(`${base}/api/docs/slow/import`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '# fine\n' });
      await ok.arrayBuffer();
      if (!ok.ok) throw new Error(`the import after a stop answered ${ok.status}`);
      next.push(performance.now() - t2);
    }
    return { answered: spread(answered), next: spread(next) };
  } finally {
    await server.stop();
    server.cleanup();
  }
}

export async function run(ctx) {
  const cases = [];
  for (const sid of ctx.servers(servers)) {
    const server = await new ServerProcess(sid).start();
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const paper = paperUpdate();
      const put = await fetch(`${base}/api/docs/paper/import`, { method: 'PUT', headers: { 'content-type': 'application/vnd.yjs.doc' }, body: paper.update });
      if (!put.ok) throw new Error(`import: ${put.status} ${await put.text()}`);
      ctx.log(`  H paper document: ${paper.chars} characters, ${paper.paragraphs} paragraphs, ${paper.update.length} bytes as an update`);
      for (const format of FORMATS) {
        await timedExport(base, format); // the worker's start and JIT warm-up
        const times = [];
        let bytes = 0;
        for (let i = 0; i < EXPORTS; i++) ({ ms: times[i], bytes } = await timedExport(base, format));
        const r = { ...spread(times), bytes };
        cases.push({ case: `export ${format} (${EXPORTS} one after another)`, results: { [sid]: r } });
        ctx.log(`  H export ${format}: median ${r.p50.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms (${bytes} bytes)`);
      }
      const alone = await typing(server.url, 3000);
      const busy = await typing(server.url, 3000, async () => {
        const t = performance.now();
        const each = await Promise.all(Array.from({ length: PARALLEL }, () => timedExport(base, 'html')));
        return { total: performance.now() - t, each: each.map((e) => e.ms) };
      });
      cases.push({ case: 'typing on another document, alone (50 Hz, 3 s)', results: { [sid]: alone } });
      cases.push({ case: `typing on another document while ${PARALLEL} HTML exports run at once`, results: { [sid]: busy } });
      cases.push({ case: `${PARALLEL} HTML exports at once (each, ms)`, results: { [sid]: spread(busy.extra.each) } });
      ctx.log(`  H typing alone p50 ${alone.p50.toFixed(2)} / p99 ${alone.p99.toFixed(2)} ms; during ${PARALLEL} exports p50 ${busy.p50.toFixed(2)} / p99 ${busy.p99.toFixed(2)} / max ${busy.max.toFixed(1)} ms; the ${PARALLEL} exports done in ${busy.extra.total.toFixed(0)} ms`);
    } finally {
      await server.stop();
      server.cleanup();
    }
    const stops = await stoppedConversions(sid);
    cases.push({ case: `a conversion stopped at CONVERSION_TIMEOUT_MS=${STOP_TIMEOUT_MS}: request to 503 (ms)`, results: { [sid]: stops.answered } });
    cases.push({ case: 'the next conversion after a stop, on the replaced worker (ms)', results: { [sid]: stops.next } });
    ctx.log(`  H stopped conversion: 503 after median ${stops.answered.p50.toFixed(0)} ms (timeout ${STOP_TIMEOUT_MS} ms); next conversion answered in median ${stops.next.p50.toFixed(0)} ms`);
  }
  return cases;
}

export function targets(cases) {
  const t = (name) => cases.find((c) => c.case.startsWith(name))?.results.tandem;
  const html = t('export html');
  const alone = t('typing on another document, alone');
  const busy = t('typing on another document while');
  const stop = t('a conversion stopped');
  const out = [];
  if (stop) out.push({ text: `H: a stalled conversion is stopped near CONVERSION_TIMEOUT_MS: 503 after ${stop.max.toFixed(0)} ms at most (timeout ${STOP_TIMEOUT_MS} ms)`, met: stop.max < STOP_TIMEOUT_MS + 1000 });
  if (html) out.push({ text: `H: HTML export of the paper document under 200 ms: median ${html.p50.toFixed(1)} ms, p90 ${html.p90.toFixed(1)} ms`, met: html.p90 < 200 });
  if (alone && busy) out.push({ text: `H: typing on other documents unaffected by ten exports: p99 ${busy.p99.toFixed(2)} vs ${alone.p99.toFixed(2)} ms alone`, met: busy.p99 <= Math.max(2 * alone.p99, alone.p99 + 5) });
  return out;
}
