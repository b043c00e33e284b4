#!/usr/bin/env node
// Benchmark harness entry: `node src/run.mjs [--smoke] [--only=A,C] [--servers=tandem,yws]`
// (`--only=F`: scale-out over Redis, Tandem only, not in the smoke run; `--only=G [--minutes=30]`:
// the soak, only ever run on its own; `--only=P`, `--only=J`, `--only=S`: presence at scale, the
// join storm and the scaling curve, never part of a full run, P and J in the smoke at tiny sizes).
// Full runs (no --only/--servers) rewrite bench/RESULTS.md; a scenario with a section of its own
// (`ownSection`, G) rewrites just that section whenever it runs; every run appends JSON lines
// to bench/results/. Exits non-zero if a server fails to start or a scenario errors.
import { mkdirSync, appendFileSync, readFileSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import { SERVERS, benchDir, repoRoot, workDir, tandemBuilt } from './servers.mjs';
import { Workers } from './workers.mjs';
import { table } from './report.mjs';
import * as A from './scenarios/a-fanout.mjs';
import * as B from './scenarios/b-idle.mjs';
import * as C from './scenarios/c-coldload.mjs';
import * as D from './scenarios/d-durable.mjs';
import * as E from './scenarios/e-large.mjs';
import * as F from './scenarios/f-scaleout.mjs';
import * as G from './scenarios/g-soak.mjs';
import * as H from './scenarios/h-history.mjs';
import * as J from './scenarios/j-joinstorm.mjs';
import * as K from './scenarios/k-keystroke.mjs';
import * as K300 from './scenarios/k-crowd.mjs';
import * as P from './scenarios/p-presence.mjs';
import * as S from './scenarios/s-scaling.mjs';

const SCENARIOS = [A, B, C, D, E, F, G, H, J, K, K300, P, S];
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const opt = (k) => argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1];
const only = opt('only')?.split(',');
const serverFilter = opt('servers')?.split(',');
const full = !smoke && !only && !serverFilter;
const t0 = Date.now();

// The harness itself stays off the server's core.
try {
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
  // not fatal: only placement
}

const log = (s) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}\n`);
const notes = [];
let failed = false;

if (!tandemBuilt()) {
  const msg = 'server/dist/main.js is missing (run `npm run build -w server`): Tandem is skipped';
  if (smoke || full) {
    log(`ERROR: ${msg}`);
    failed = true;
  } else log(`warning: ${msg}`);
}

const ctx = {
  smoke,
  log,
  opt, // a scenario's own options (G: --minutes=)
  note: (s) => {
    notes.push(s);
    log(`note: ${s}`);
  },
  // Smoke drives every server in scenario A (so each must start and serve) and only Tandem
  // in the others, to stay well under a minute. A reference (the floor) runs only where named.
  servers: (list, { allInSmoke = false } = {}) =>
    list.filter((s) => (SERVERS[s]?.reference ? serverFilter?.includes(s) : !serverFilter || serverFilter.includes(s)) && (!s.startsWith('tandem') || tandemBuilt()) && (!smoke || allInSmoke || s.startsWith('tandem'))),
};

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim();
} catch {
  // not a git checkout
}
const date = new Date().toISOString();
mkdirSync(join(benchDir, 'results'), { recursive: true });
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const jsonl = join(benchDir, 'results', `${date.slice(0, 10)}${smoke ? '-smoke' : ''}.jsonl`);

const out = [];
let scnFailed = 0;
let skipped = 0;
for (const scn of SCENARIOS) {
  if (only && !only.includes(scn.id)) continue;
  if (smoke && scn.inSmoke === false) continue;
  if (full && scn.inFull === false) continue; // G: half an hour on its own, never part of "everything"
  const budgetOf = (b) => (typeof b === 'function' ? b(ctx) : b);
  const budget = budgetOf(smoke ? scn.smokeBudgetMs : scn.budgetMs) ?? null;
  const s0 = Date.now();
  const load0 = os.loadavg()[0];
  log(`${scn.title} (load average ${load0.toFixed(1)})`);
  ctx.workers = await new Workers(3).ready();
  ctx.gcWaitMs = smoke ? 150 : 400;
  try {
    const cases = await scn.run(ctx);
    if (cases === null) {
      skipped++; // the scenario logged why (e.g. K without Chromium)
      continue;
    }
    const ms = Date.now() - s0;
    out.push({ scn, cases, ms, load: [load0, os.loadavg()[0]], budget });
    for (const c of cases) {
      process.stdout.write(`\n${scn.title} — ${c.case}\n${table(scn, c)}\n`);
      for (const [server, metrics] of Object.entries(c.results)) {
        appendFileSync(jsonl, JSON.stringify({ date, commit, smoke, scenario: scn.id, case: c.case, server, metrics }) + '\n');
      }
    }
    // the targets too, so that a run of one scenario says what a full run's RESULTS.md would
    if (!smoke) for (const t of scn.targets?.(cases) ?? []) process.stdout.write(`target ${t.met === null ? '❔' : t.met ? '✅ met' : '❌ missed'} — ${scn.id}: ${t.text}\n`);
    if (budget && ms > budget) ctx.note(`scenario ${scn.id} took ${(ms / 1000).toFixed(0)} s, over its ${(budget / 1000).toFixed(0)} s budget`);
    log(`${scn.id} done in ${(ms / 1000).toFixed(1)} s`);
  } catch (err) {
    failed = true;
    scnFailed++;
    log(`ERROR in scenario ${scn.id}: ${err?.stack ?? err}`);
    notes.push(`scenario ${scn.id} failed: ${String(err?.message ?? err).split('\n')[0]}`);
  } finally {
    ctx.workers.kill();
  }
}

const totalS = (Date.now() - t0) / 1000;
log(`total ${totalS.toFixed(1)} s${failed ? ' — FAILED' : ''}`);
// one summary line for scripts/test.mjs ("smoke: N passed, M failed"); a missing Tandem build counts as a failure
process.stdout.write(`${smoke ? 'smoke' : 'bench'}: ${out.length} passed, ${scnFailed + (failed && !scnFailed ? 1 : 0)} failed${skipped ? `, ${skipped} skipped` : ''} (${totalS.toFixed(0)} s)\n`);
if (full) writeResults();
else if (!smoke) for (const o of out) if (o.scn.ownSection) writeOwnSection(o);
process.exit(failed ? 1 : 0);

/** `<!-- name:start -->…<!-- name:end -->` of the scenarios that keep a section of their own. */
function ownSectionRe(name) {
  return new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
}

/** Replaces (or adds, before the hand-kept trailing sections) one scenario's own section of RESULTS.md. */
function writeOwnSection({ scn, cases, ms, load, budget }) {
  const path = join(benchDir, 'RESULTS.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Tandem benchmark results\n';
  const body = scn.section(cases, { date, commit, ms, load, budget, failed, notes, build: tandemBuildInfo() });
  const block = `<!-- ${scn.ownSection}:start -->\n${body.trim()}\n<!-- ${scn.ownSection}:end -->`;
  const re = ownSectionRe(scn.ownSection);
  let text;
  if (re.test(old)) text = old.replace(re, () => block);
  else {
    const at = ['<!-- keystroke-latency:start -->', '<!-- embed-budget:start -->'].map((m) => old.indexOf(m)).filter((i) => i >= 0);
    const i = at.length ? Math.min(...at) : old.length;
    text = `${old.slice(0, i).trimEnd()}\n\n${block}\n\n${old.slice(i).trimStart()}`;
  }
  writeFileSync(path, text.trimEnd() + '\n');
  log(`wrote the ${scn.ownSection} section of ${path}`);
}

function writeResults() {
  const path = join(benchDir, 'RESULTS.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  // Keystroke latency was recorded by a script of its own before it became scenario K: that
  // section stays until a full run measures K (it is skipped where Chromium is missing).
  const earlierLatency = out.some((o) => o.scn === K) ? null : old.match(/<!-- keystroke-latency:start -->[\s\S]*?<!-- keystroke-latency:end -->/);
  const embedBudget = old.match(/<!-- embed-budget:start -->[\s\S]*?<!-- embed-budget:end -->/); // e2e/scripts/embed-budget.mjs
  const analysis = old.match(/<!-- analysis:start -->[\s\S]*?<!-- analysis:end -->/);
  // sections of scenarios that a full run does not include (G, the soak): kept as they are
  const ownSections = SCENARIOS.filter((s) => s.ownSection).map((s) => old.match(ownSectionRe(s.ownSection))).filter(Boolean);
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] ?? os.cpus()[0]?.model;
  const lines = [];
  lines.push('# Tandem benchmark results', '');
  lines.push('Generated by `npm run bench` (bench/src/run.mjs); figures, not assertions. Ratios are Tandem ÷ the best peer in the same run.', '');
  lines.push(`- **Date**: ${date}`);
  lines.push(`- **Commit**: ${commit}`);
  lines.push(`- **Command**: \`npm run bench\` (total ${totalS.toFixed(0)} s)${failed ? ' — **a scenario failed in this run, see the notes**' : ''}`);
  lines.push(`- **Tandem build**: ${tandemBuildInfo()}`);
  lines.push(`- **Machine**: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${os.release()}, Node ${process.version}`);
  lines.push('');
  lines.push(readFileSync(join(benchDir, 'src', 'METHOD.md'), 'utf8').trim(), '');
  lines.push(analysis ? analysis[0] : '<!-- analysis:start -->\n<!-- analysis:end -->', '');
  lines.push('## Targets', '');
  for (const { scn, cases } of out) {
    for (const t of scn.targets?.(cases) ?? []) lines.push(`- ${t.met === null ? '❔' : t.met ? '✅ met' : '❌ missed'} — ${scn.id}: ${t.text}`);
  }
  lines.push('');
  for (const { scn, cases, ms, load } of out) {
    lines.push(`## ${scn.title}`, '', `Scenario time ${(ms / 1000).toFixed(0)} s (budget ${(scn.budgetMs / 1000).toFixed(0)} s); 1-minute load average ${load[0].toFixed(1)} at its start, ${load[1].toFixed(1)} at its end (2 cores).`, '');
    for (const c of cases) lines.push(`### ${c.case}`, '', table(scn, c), '');
    if (scn.explain) lines.push(scn.explain(cases), '');
  }
  if (notes.length) lines.push('## Notes from this run', '', ...notes.map((n) => `- ${n}`), '');
  for (const s of ownSections) lines.push(s[0], '');
  if (earlierLatency) lines.push(earlierLatency[0], '');
  if (embedBudget) lines.push(embedBudget[0], '');
  writeFileSync(path, lines.join('\n'));
  log(`wrote ${path}`);
}

function tandemBuildInfo() {
  try {
    const { mtime } = statSync(join(repoRoot, 'server/dist/main.js'));
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server/src'], { cwd: repoRoot }).toString().trim();
    return `server/dist built ${mtime.toISOString()}${dirty ? ' from a server/src with uncommitted changes (others were working in the tree)' : ' from the committed server/src'}`;
  } catch {
    return 'unknown';
  }
}
