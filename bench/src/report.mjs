// Tables (one per scenario case, servers side by side, Tandem's ratio to the best peer).
import { SERVERS } from './servers.mjs';

const isTandem = (sid) => sid.startsWith('tandem');

export function fmt(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 10000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(digits);
}

/** Ratio of a Tandem figure to the best peer's (min or max by `better`). */
export function ratio(c, sid, m) {
  if (!m.better) return null;
  const v = c.results[sid]?.[m.key];
  const peers = Object.entries(c.results)
    .filter(([p, r]) => !isTandem(p) && !SERVERS[p]?.reference && typeof r?.[m.key] === 'number' && Number.isFinite(r[m.key]))
    .map(([, r]) => r[m.key]);
  if (typeof v !== 'number' || !peers.length) return null;
  const best = m.better === 'lower' ? Math.min(...peers) : Math.max(...peers);
  if (best === 0) return v === 0 ? 1 : null;
  return v / best;
}

/** Markdown table for one case. */
export function table(scn, c) {
  const sids = Object.keys(c.results);
  // ratio columns only when a peer is in the table (F compares Tandem with itself; the floor is no peer)
  const tandems = sids.some((s) => !isTandem(s) && !SERVERS[s]?.reference) ? sids.filter(isTandem) : [];
  const head = ['', ...sids.map((s) => SERVERS[s].label), ...tandems.map((t) => `${SERVERS[t].label} ÷ best peer`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const m of scn.metrics) {
    if (!sids.some((s) => c.results[s]?.[m.key] !== undefined)) continue;
    const cells = sids.map((s) => fmt(c.results[s]?.[m.key], m.digits));
    const rs = tandems.map((t) => {
      const r = ratio(c, t, m);
      return r === null ? '—' : `${r.toFixed(2)}×`;
    });
    lines.push(`| ${m.label} | ${[...cells, ...rs].join(' | ')} |`);
  }
  return lines.join('\n');
}
