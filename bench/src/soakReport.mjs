// Scenario G's figures: the windows compared, growth between them, the table rows and targets,
// an SVG of the samples (no dependency: plain SVG text), a per-minute table and the RESULTS.md
// section.
import { table } from './report.mjs';

/**
 * The windows compared in each server process (before and after the restart): after a warm-up
 * of min(120 s, a quarter of the segment), the first and the last min(120 s, a third of the rest).
 */
export function windowsOf(samples, { T, restartAt, upAt }) {
  const segs = [[1, 0, restartAt], [2, upAt, T]];
  return segs.map(([seg, start, end]) => {
    const len = end - start;
    const warm = Math.min(120, len / 4);
    const L = Math.min(120, (len - warm) / 3);
    return { seg, warmUntil: start + warm, first: [start + warm, start + warm + L], last: [end - L, end] };
  });
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * Means of the first and last window of one segment, and the change in % of the first. With the
 * two document snapshots of the segment (`docs`: { heap } at each window's middle), `heapNet`
 * is the heap growth beyond the documents' own.
 */
export function growth(samples, w, docs = []) {
  const inW = ([a, b]) => samples.filter((s) => s.seg === w.seg && s.t >= a && s.t <= b);
  const first = inW(w.first);
  const last = inW(w.last);
  const fields = {
    heapUsed: (s) => s.heapUsed,
    rss: (s) => s.rss,
    fds: (s) => s.fds,
    fdsBeyond: (s) => s.fds - s.conns,
    fdStore: (s) => s.fdStore,
    conns: (s) => s.conns,
  };
  const out = { samples: [first.length, last.length] };
  for (const [k, f] of Object.entries(fields)) {
    const a = mean(first.map(f).filter(Number.isFinite));
    const b = mean(last.map(f).filter(Number.isFinite));
    if (a === null || b === null) continue;
    out[k] = { first: a, last: b, pct: a ? ((b - a) / a) * 100 : 0 };
  }
  if (out.heapUsed && docs.length === 2) {
    const [d0, d1] = docs;
    out.docHeap = { first: d0.heap, last: d1.heap, bytes: [d0.bytes, d1.bytes] };
    const net = out.heapUsed.last - out.heapUsed.first - (d1.heap - d0.heap);
    out.heapNet = { first: out.heapUsed.first, last: out.heapUsed.first + net, pct: (net / out.heapUsed.first) * 100 };
  }
  return out;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.6, 2, 2.4, 3, 4, 6, 8, 10]) if (m * p >= v) return m * p; // quarters stay round
  return 10 * p;
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Three panels over time: RSS, V8 heap (with the documents' own heap at the snapshots), open fds
 * and connections; the restart and the windows compared marked.
 */
export function svgChart(samples, { T, restart, windows, snaps = [], title }) {
  const W = 900;
  const left = 60;
  const plotW = W - left - 170;
  const panelH = 130;
  const top = 40;
  const gap = 30;
  const H = top + 3 * panelH + 2 * gap + 45; // three panels and the time axis
  const x = (t) => left + (t / T) * plotW;
  const mb = (v) => (v ?? NaN) / 2 ** 20;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${left}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`);
  const panels = [
    { label: 'RSS MB', series: [['RSS (process tree)', '#1f77b4', (s) => mb(s.rss), '']] },
    { label: 'heap MB', series: [['V8 heap used', '#ff7f0e', (s) => mb(s.heapUsed), '']], points: [["documents' own heap", '#8c564b', snaps.map((d) => [d.t, mb(d.heap)])]] },
    { label: 'count', series: [['open fds', '#2ca02c', (s) => s.fds, ''], ['connections', '#7f7f7f', (s) => s.conns, '4 3'], ['store fds', '#9467bd', (s) => s.fdStore, '']] },
  ];
  panels.forEach((p, pi) => {
    const y0 = top + pi * (panelH + gap);
    const values = [...samples.flatMap((s) => p.series.map(([, , f]) => f(s))), ...(p.points ?? []).flatMap(([, , pts]) => pts.map(([, v]) => v))];
    const max = niceMax(Math.max(...values.filter(Number.isFinite)) * 1.05);
    const y = (v) => y0 + panelH - (v / max) * panelH;
    for (const w of windows) {
      for (const [a, b] of [w.first, w.last]) out.push(`<rect x="${x(a).toFixed(1)}" y="${y0}" width="${(x(b) - x(a)).toFixed(1)}" height="${panelH}" fill="#eeeeee"/>`);
    }
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dddddd"/>`);
      out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toFixed(1))}</text>`);
    }
    out.push(`<text x="14" y="${y0 + panelH / 2}" transform="rotate(-90 14 ${y0 + panelH / 2})" text-anchor="middle">${p.label}</text>`);
    out.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panelH}" fill="none" stroke="#999999"/>`);
    if (restart.atS !== undefined) {
      out.push(`<line x1="${x(restart.atS).toFixed(1)}" x2="${x(restart.atS).toFixed(1)}" y1="${y0}" y2="${y0 + panelH}" stroke="#d62728" stroke-dasharray="5 4"/>`);
      out.push(`<text x="${(x(restart.atS) + 4).toFixed(1)}" y="${y0 + 12}" fill="#d62728">restart</text>`);
    }
    let li = 0;
    const legend = (name, color, dash, dot) => {
      const ly = y0 + 14 + li++ * 16;
      if (dot) out.push(`<circle cx="${left + plotW + 22}" cy="${ly - 4}" r="3" fill="${color}"/>`);
      else out.push(`<line x1="${left + plotW + 12}" x2="${left + plotW + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
      out.push(`<text x="${left + plotW + 36}" y="${ly}">${esc(name)}</text>`);
    };
    for (const [name, color, f, dash] of p.series) {
      for (const seg of [1, 2]) {
        const pts = samples.filter((s) => s.seg === seg && Number.isFinite(f(s))).map((s) => `${x(s.t).toFixed(1)},${y(f(s)).toFixed(1)}`);
        if (pts.length) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
      }
      legend(name, color, dash, false);
    }
    for (const [name, color, pts] of p.points ?? []) {
      if (!pts.length) continue;
      for (const [t, v] of pts) if (Number.isFinite(v)) out.push(`<circle cx="${x(t).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"/>`);
      legend(name, color, '', true);
    }
  });
  const yAxis = top + 3 * panelH + 2 * gap;
  const step = T > 1200 ? 300 : T > 300 ? 60 : T > 60 ? 30 : 1;
  for (let t = 0; t <= T + 0.001; t += step) {
    out.push(`<text x="${x(t).toFixed(1)}" y="${yAxis + 16}" text-anchor="middle">${Number((t / 60).toFixed(2))}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${yAxis + 34}" text-anchor="middle">minutes (grey bands: the windows compared; heap and RSS sampled after a forced GC)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** One row per minute: means of the samples in it, rates from the counters' change. */
export function minuteTable(samples) {
  const rows = ['| min | RSS MB | heap MB | threads | fds | sockets | store fds | connections | docs loaded | keystrokes/s | server CPU % |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  const byMin = new Map();
  for (const s of samples) {
    const m = Math.floor(s.t / 60);
    if (!byMin.has(m)) byMin.set(m, []);
    byMin.get(m).push(s);
  }
  let prev = null;
  for (const [m, ss] of byMin) {
    const f = (g, d = 0) => {
      const v = mean(ss.map(g).filter(Number.isFinite));
      return v === null ? '—' : v.toFixed(d);
    };
    const end = ss[ss.length - 1];
    const rate = prev ? ((end.inserts - prev.inserts) / (end.t - prev.t)).toFixed(0) : '—';
    prev = end;
    rows.push(`| ${m} | ${f((s) => s.rss / 2 ** 20, 1)} | ${f((s) => (s.heapUsed ?? NaN) / 2 ** 20, 1)} | ${f((s) => s.threads)} | ${f((s) => s.fds)} | ${f((s) => s.fdSockets)} | ${f((s) => s.fdStore)} | ${f((s) => s.conns)} | ${f((s) => s.docsLoaded)} | ${rate} | ${f((s) => s.cpuPct)} |`);
  }
  return rows.join('\n');
}

const MB = 2 ** 20;
const signed = (x, d = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;

export const metrics = [
  { key: 'run', label: 'run' },
  { key: 'heap1', label: 'V8 heap after GC, MB, first → last window: before the restart' },
  { key: 'docs1', label: '… of which the documents\' own heap (fresh V8), MB' },
  { key: 'net1', label: '… growth beyond the documents\' own' },
  { key: 'heap2', label: 'V8 heap after GC, MB, first → last window: after the restart' },
  { key: 'docs2', label: '… of which the documents\' own heap (fresh V8), MB' },
  { key: 'net2', label: '… growth beyond the documents\' own' },
  { key: 'heapAcross', label: 'V8 heap MB, last window before the restart → first window after (fresh process)' },
  { key: 'rss1', label: 'RSS MB (after GC), first → last window: before the restart' },
  { key: 'rss2', label: 'RSS MB (after GC), first → last window: after the restart' },
  { key: 'fds1', label: 'open fds, first → last window: before the restart' },
  { key: 'fds2', label: 'open fds, first → last window: after the restart' },
  { key: 'lost', label: 'lost updates: live / after a final restart, of all made' },
  { key: 'identical', label: 'documents equal to the union of their clients\' copies (live / after restart)' },
  { key: 'load', label: 'keystrokes/s, cursor moves/s, joins/s (whole run)' },
  { key: 'restart', label: 'restart: SIGTERM → exit ms, → healthy ms, → every session synced again s' },
  { key: 'docsLoaded', label: 'documents loaded / connections (median of the samples)' },
  { key: 'docBytes', label: 'documents\' encoded size at the end, MB' },
  { key: 'workerElu', label: 'load-gen max ELU (per sample)', digits: 2 },
];

const change = (g, k, f = (x) => (x / MB).toFixed(1)) => (g?.[k] ? `${f(g[k].first)} → ${f(g[k].last)} (${signed(g[k].pct)} %)` : '—');
const fdsText = (g) => (g?.fds
  ? `${g.fds.first.toFixed(0)} → ${g.fds.last.toFixed(0)} (connections ${g.conns.first.toFixed(0)} → ${g.conns.last.toFixed(0)}, store files ${g.fdStore.first.toFixed(1)} → ${g.fdStore.last.toFixed(1)}, the rest ${fdRest(g).first.toFixed(1)} → ${fdRest(g).last.toFixed(1)})`
  : '—');
/** Descriptors that are neither a client's socket nor a store file: a leak of handles shows here. */
const fdRest = (g) => ({ first: g.fdsBeyond.first - g.fdStore.first, last: g.fdsBeyond.last - g.fdStore.last });

/** The table's row values (strings) from the run's raw figures. */
export function rows({ plan, samples, seg1, seg2, restart, live, disk }) {
  const last = samples[samples.length - 1];
  const runS = plan.minutes * 60;
  const median = (k) => {
    const v = samples.map((s) => s[k]).filter(Number.isFinite).sort((a, b) => a - b);
    return v[v.length >> 1];
  };
  const docs = (g) => (g.docHeap ? `${(g.docHeap.first / MB).toFixed(1)} → ${(g.docHeap.last / MB).toFixed(1)} (${signed((g.docHeap.last - g.docHeap.first) / MB, 2)} MB)` : '—');
  const net = (g) => (g.heapNet ? `${signed((g.heapNet.last - g.heapNet.first) / MB, 2)} MB (${signed(g.heapNet.pct)} %)` : '—');
  return {
    run: `${plan.minutes} min, ${plan.clients} clients, ${plan.docs} documents, ${samples.length} samples`,
    heap1: change(seg1, 'heapUsed'), docs1: docs(seg1), net1: net(seg1),
    heap2: change(seg2, 'heapUsed'), docs2: docs(seg2), net2: net(seg2),
    heapAcross: seg1.heapUsed && seg2.heapUsed ? `${(seg1.heapUsed.last / MB).toFixed(1)} → ${(seg2.heapUsed.first / MB).toFixed(1)}` : '—',
    rss1: change(seg1, 'rss'), rss2: change(seg2, 'rss'),
    fds1: fdsText(seg1), fds2: fdsText(seg2),
    lost: `${live.lost} / ${disk.lost} of ${disk.updates.toLocaleString('en-US')}`,
    identical: `${live.identical} / ${disk.identical} of ${plan.docs}`,
    load: `${(last.inserts / runS).toFixed(0)}, ${(last.cursor / runS).toFixed(0)}, ${(last.joins / runS).toFixed(1)}`,
    restart: restart.exit ? `${restart.exit.ms.toFixed(0)}, ${restart.downMs.toFixed(0)}, ${restart.resyncS === null ? 'not within the run' : (restart.resyncS + restart.downMs / 1000).toFixed(1)}` : '—',
    docsLoaded: `${median('docsLoaded')} / ${median('conns')}`,
    docBytes: (disk.bytes / MB).toFixed(2),
    workerElu: Math.max(...samples.map((s) => s.elu)),
  };
}

/** The issue's targets, the heap one both as written and net of the documents' own growth. */
export function targets(cases) {
  const r = cases[0].results.tandem;
  const out = [];
  for (const [i, g] of [r.seg1, r.seg2].entries()) {
    const when = i ? 'after the restart' : 'before the restart';
    if (g.heapUsed) out.push({ text: `${when}: V8 heap growth after warm-up under 5 %: ${signed(g.heapUsed.pct)} %`, met: g.heapUsed.pct < 5 });
    if (g.heapNet) out.push({ text: `${when}: the same beyond the documents' own growth (${signed((g.docHeap.last - g.docHeap.first) / MB, 2)} MB): ${signed(g.heapNet.pct)} %`, met: g.heapNet.pct < 5 });
    if (g.fdsBeyond) {
      const d = fdRest(g).last - fdRest(g).first;
      out.push({ text: `${when}: no fd growth (descriptors other than client sockets and store files, mean of the last window − the first: ${signed(d)})`, met: d < 2 });
    }
  }
  out.push({ text: `zero lost updates at the end: ${r.disk.lost} of ${r.disk.updates.toLocaleString('en-US')} after a final restart (live: ${r.live.lost}); ${r.disk.identical} of ${r.plan.docs} documents equal to the union of their clients' copies`, met: r.disk.lost === 0 && r.live.lost === 0 && r.disk.identical === r.plan.docs });
  return out;
}

/** RESULTS.md's soak section (run.mjs writes it whenever G runs outside the smoke). */
export function section(scn, cases, info) {
  const c = cases[0];
  const r = c.results.tandem;
  const lines = [
    `## ${scn.title}`, '',
    `\`npm run bench -- --only=G${r.plan.minutes === 30 ? '' : ` --minutes=${r.plan.minutes}`}\` — ${info.date}, commit ${info.commit}, ${info.build}; scenario time ${(info.ms / 1000).toFixed(0)} s; 1-minute load average ${info.load[0].toFixed(1)} at its start, ${info.load[1].toFixed(1)} at its end (2 cores). How it is measured: **G** in the method above (bench/src/METHOD.md).`, '',
    '![RSS, V8 heap and open file descriptors of the Tandem server over the run; the dashed line is the restart, the grey bands the windows compared](g-soak.svg)', '',
    table({ metrics }, c), '',
    ...targets(cases).map((t) => `- ${t.met === null ? '❔' : t.met ? '✅ met' : '❌ missed'} — ${t.text}`), '',
    `Windows compared (s from the start): ${r.windows.map((w, i) => `${i ? 'after' : 'before'} the restart ${w.first.map((x) => x.toFixed(0)).join('–')} vs ${w.last.map((x) => x.toFixed(0)).join('–')}`).join('; ')}.`, '',
    'Per minute (means of the samples in it; the restart minute mixes both processes):', '',
    minuteTable(c.samples), '',
  ];
  if (info.notes.length) lines.push('Notes from this run:', '', ...info.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
