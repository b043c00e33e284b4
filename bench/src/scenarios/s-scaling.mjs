// S. The scaling curve: A's fan-out at N = 10 … 1,000 clients on one document, and the
// connections one instance holds over many documents (20 clients each, one typing at 5 Hz)
// before A's fan-out p99 on a probe document of 20 passes 50 ms. Writes bench/scaling.svg.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { ServerProcess, SERVERS, benchDir } from '../servers.mjs';
import { median } from '../util.mjs';
import * as A from './a-fanout.mjs';

export const id = 'S';
export const title = 'S. Scaling curve (A\'s fan-out by clients per document; connections per instance)';
export const budgetMs = 1200000;
export const smokeBudgetMs = 20000;
export const inFull = false; // long, and it writes its own chart: run on its own (`--only=S`)
export const inSmoke = false; // A's smoke already drives the same code at N=10
export const metrics = [
  { key: 'p50', label: 'latency p50 ms', better: 'lower', digits: 2 },
  { key: 'p99', label: 'latency p99 ms', better: 'lower', digits: 2 },
  { key: 'cpuPer1k', label: 'server CPU ms / 1,000 deliveries', better: 'lower', digits: 2 },
  { key: 'missing', label: 'receipts missing after a 3 s drain', better: 'lower', digits: 0 },
  { key: 'connections', label: 'connections on the instance', digits: 0 },
  { key: 'workerElu', label: 'load-gen max ELU', digits: 2 },
  { key: 'load', label: '1-minute load average at the start', digits: 1 },
];

const P99_LIMIT_MS = 50;
const PER_DOC = 20;
const BG_PERIOD_MS = 200; // each background document's typist: 5 keystrokes a second

const list = (ctx, k, dflt) => (ctx.opt(k) ?? dflt).split(',').map(Number);

export async function run(ctx) {
  const sizes = list(ctx, 'sizes', '10,50,200,500,1000');
  const peerMax = Number(ctx.opt('peer-max') ?? 200); // the peers' curve stops here, to fit the time
  const runs = Number(ctx.opt('runs') ?? 3);
  const cases = [];
  for (const n of sizes) {
    const c = { case: `one document, N=${n}`, results: {} };
    for (const sid of ctx.servers(['tandem', 'hocus', 'yws']).filter((s) => s === 'tandem' || n <= peerMax)) {
      const load = os.loadavg()[0];
      const server = await new ServerProcess(sid).start();
      try {
        const st = await A.setup(ctx, server, n, `s-${sid}`, `s-${n}`);
        const rs = [];
        for (let r = 0; r < runs; r++) rs.push(await A.oneRun(ctx, server, n, st));
        c.results[sid] = medianOf(rs, { connections: n, load });
        ctx.log(`  S N=${n} ${sid}: p99 ${c.results[sid].p99?.toFixed(2)} ms, cpu ${c.results[sid].cpuPer1k?.toFixed(2)} ms/1k, missing ${c.results[sid].missing}, elu ${c.results[sid].workerElu?.toFixed(2)}, load ${load.toFixed(1)}`);
      } finally {
        await ctx.workers.closeAll();
        await server.stop();
        server.cleanup();
      }
    }
    cases.push(c);
  }
  const steps = list(ctx, 'docs', '10,50,100,200,300,400');
  for (const sid of ctx.servers(ctx.opt('conn-servers')?.split(',') ?? ['tandem', 'hocus', 'yws'])) {
    for (const r of await connectionsCurve(ctx, sid, steps, runs)) {
      let c = cases.find((x) => x.case === r.case);
      if (!c) cases.push((c = { case: r.case, results: {} }));
      c.results[sid] = r.m;
    }
  }
  writeFileSync(join(benchDir, 'scaling.svg'), svgChart(cases));
  ctx.log(`  wrote ${join(benchDir, 'scaling.svg')}`);
  return cases;
}

function medianOf(rs, extra) {
  const m = { ...extra };
  for (const k of ['p50', 'p99', 'cpuPer1k', 'missing', 'workerElu']) m[k] = median(rs.map((x) => x[k]));
  m.p99Runs = rs.map((x) => x.p99?.toFixed(1)).join(' / ');
  return m;
}

/**
 * One instance, documents added in steps (20 clients each, one typing at 5 Hz); at every step
 * A's measurement on a probe document of 20 (5 writers at 50 Hz): until its p99 passes 50 ms.
 */
async function connectionsCurve(ctx, sid, steps, runs) {
  const [, w1, w2] = ctx.workers.list;
  const server = await new ServerProcess(sid).start();
  const { proto } = server.def;
  const out = [];
  let docs = 0;
  try {
    const probe = await A.setup(ctx, server, PER_DOC, `s-probe-${sid}`, 's-probe');
    for (const target of steps) {
      const names = Array.from({ length: target - docs }, (_, i) => `s-bg-${docs + i}`);
      const half = Math.ceil(names.length / 2);
      await Promise.all([
        w1.call('sOpen', { proto, url: server.url, names: names.slice(0, half), perDoc: PER_DOC }),
        w2.call('sOpen', { proto, url: server.url, names: names.slice(half), perDoc: PER_DOC }),
      ]);
      docs = target;
      await Promise.all([w1, w2].map((w) => w.call('sType', { periodMs: BG_PERIOD_MS })));
      const load = os.loadavg()[0];
      const rs = [];
      for (let r = 0; r < runs; r++) rs.push(await A.oneRun(ctx, server, PER_DOC, probe));
      await Promise.all([w1, w2].map((w) => w.call('sQuiet')));
      const connections = (docs + 1) * PER_DOC;
      const m = medianOf(rs, { connections, load });
      out.push({ case: `${docs} background documents + the probe (${connections} connections)`, m });
      ctx.log(`  S ${sid} ${connections} connections: probe p99 ${m.p99?.toFixed(2)} ms (${m.p99Runs}), missing ${m.missing}, elu ${m.workerElu?.toFixed(2)}, load ${load.toFixed(1)}`);
      if (!(m.p99 <= P99_LIMIT_MS) || m.missing) break;
    }
  } catch (err) {
    ctx.note(`S connections curve on ${sid} stopped at ${docs} documents: ${String(err.message ?? err).split('\n')[0]}`);
  } finally {
    await ctx.workers.closeAll();
    await server.stop();
    server.cleanup();
  }
  return out;
}

export function targets(cases) {
  const out = [];
  const c = cases.find((x) => x.case === 'one document, N=200');
  if (c?.results.tandem && c.results.hocus) {
    const t = c.results.tandem.p99;
    const h = c.results.hocus.p99;
    out.push({ text: `A at N=200 (in the curve) p99 ≤ 0.5× Hocuspocus in memory, while durable: ${t.toFixed(2)} vs ${h.toFixed(2)} ms (${(t / h).toFixed(2)}×)`, met: t <= 0.5 * h });
  }
  for (const sid of ['tandem', 'hocus', 'yws']) {
    const pts = connPoints(cases, sid);
    if (!pts.length) continue;
    const ok = pts.filter((p) => p.p99 <= P99_LIMIT_MS);
    out.push({ text: `${SERVERS[sid].label}: connections per instance with the probe's p99 ≤ ${P99_LIMIT_MS} ms: ${ok.length ? ok[ok.length - 1].x : 'none'} (of ${pts[pts.length - 1].x} tried)`, met: null });
  }
  return out;
}

const curvePoints = (cases, sid) => cases.filter((c) => c.case.startsWith('one document') && c.results[sid]).map((c) => ({ x: c.results[sid].connections, p99: c.results[sid].p99 }));
const connPoints = (cases, sid) => cases.filter((c) => c.case.includes('background') && c.results[sid]).map((c) => ({ x: c.results[sid].connections, p99: c.results[sid].p99 }));

const COLOR = { tandem: '#1f6feb', hocus: '#d1242f', yws: '#1a7f37' };

/** Two panels, log-log: p99 by clients on one document; the probe's p99 by connections on the instance. */
export function svgChart(cases) {
  const W = 860;
  const H = 340;
  const panel = { w: 360, h: 230, top: 50 };
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  const sids = ['tandem', 'hocus', 'yws'];
  const draw = (left, heading, xLabel, pointsOf) => {
    const all = sids.flatMap((s) => pointsOf(cases, s)).filter((p) => p.p99 > 0);
    if (!all.length) return;
    const xs = all.map((p) => p.x);
    const [x0, x1] = [Math.log10(Math.min(...xs)) - 0.1, Math.log10(Math.max(...xs)) + 0.1];
    const [y0, y1] = [Math.log10(Math.min(1, ...all.map((p) => p.p99))), Math.log10(Math.max(200, ...all.map((p) => p.p99)))];
    const X = (x) => left + ((Math.log10(x) - x0) / (x1 - x0)) * panel.w;
    const Y = (y) => panel.top + panel.h - ((Math.log10(y) - y0) / (y1 - y0)) * panel.h;
    out.push(`<text x="${left}" y="${panel.top - 22}" font-weight="bold">${heading}</text>`);
    out.push(`<rect x="${left}" y="${panel.top}" width="${panel.w}" height="${panel.h}" fill="none" stroke="#888"/>`);
    for (let e = Math.ceil(y0); e <= Math.floor(y1); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (Math.log10(v) < y0 || Math.log10(v) > y1) continue;
        out.push(`<line x1="${left}" x2="${left + panel.w}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#eee"/><text x="${left - 4}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`);
      }
    }
    for (const x of [...new Set(xs)].sort((a, b) => a - b)) out.push(`<text x="${X(x).toFixed(1)}" y="${panel.top + panel.h + 14}" text-anchor="middle">${x}</text>`);
    out.push(`<line x1="${left}" x2="${left + panel.w}" y1="${Y(P99_LIMIT_MS).toFixed(1)}" y2="${Y(P99_LIMIT_MS).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/><text x="${left + panel.w - 4}" y="${(Y(P99_LIMIT_MS) - 4).toFixed(1)}" text-anchor="end" fill="#666">${P99_LIMIT_MS} ms</text>`);
    out.push(`<text x="${left + panel.w / 2}" y="${panel.top + panel.h + 30}" text-anchor="middle">${xLabel}</text>`);
    out.push(`<text transform="translate(${left - 34},${panel.top + panel.h / 2}) rotate(-90)" text-anchor="middle">p99 ms (log)</text>`);
    for (const s of sids) {
      const pts = pointsOf(cases, s).filter((p) => p.p99 > 0);
      if (!pts.length) continue;
      out.push(`<polyline fill="none" stroke="${COLOR[s]}" stroke-width="2" points="${pts.map((p) => `${X(p.x).toFixed(1)},${Y(p.p99).toFixed(1)}`).join(' ')}"/>`);
      for (const p of pts) out.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.p99).toFixed(1)}" r="3" fill="${COLOR[s]}"><title>${SERVERS[s].label}: ${p.x} → ${p.p99.toFixed(1)} ms</title></circle>`);
    }
  };
  draw(60, 'Fan-out p99 by clients on one document (A)', 'clients on the document (log)', curvePoints);
  draw(480, 'Probe document p99 by connections on the instance', 'connections, 20 per document (log)', connPoints);
  sids.forEach((s, i) => out.push(`<rect x="${60 + i * 170}" y="${H - 18}" width="12" height="4" fill="${COLOR[s]}"/><text x="${78 + i * 170}" y="${H - 13}">${SERVERS[s].label}</text>`));
  out.push('</svg>');
  return out.join('\n');
}
