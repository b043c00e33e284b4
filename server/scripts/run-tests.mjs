#!/usr/bin/env node
// Runs every server test with node's test runner (TypeScript through tsx).
// Unit tests sit beside the code (src/**/*.test.ts); integration tests in test/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const here = new URL('..', import.meta.url).pathname;
// `--group=main` or `--group=engine`: one of the two runners below (the root's `npm test` runs the
// engine group beside the benchmark smoke); the rest are substrings of the files to run.
const groupArg = process.argv.find((a) => a.startsWith('--group='))?.slice('--group='.length);
const only = process.argv.slice(2).filter((a) => !a.startsWith('--group='));
if (groupArg !== undefined && groupArg !== 'main' && groupArg !== 'engine') {
  process.stderr.write(`server tests: --group is main or engine, not ${JSON.stringify(groupArg)}\n`);
  process.exit(2);
}

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (entry.endsWith('.test.ts')) out.push(relative(here, p));
  }
  return out;
}

// Types first: tsx strips them without checking. (The engine group alone leaves that to the main one.)
if (groupArg !== 'engine') {
  const tsc = spawnSync(process.execPath, [join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(here, 'tsconfig.json'), '--noEmit'], { cwd: here, stdio: 'inherit' });
  if (tsc.status !== 0) {
    process.stderr.write('server: type check failed\n');
    process.exit(tsc.status ?? 1);
  }
}

let files = [...find(join(here, 'src')), ...find(join(here, 'test'))].sort();
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));

// The engine tests (test/deploy/engine-*.test.ts) build images and run containers on a Docker
// engine. They run after the others (the root's `npm test` runs them beside the benchmark smoke,
// which measures but asserts no timing), in one runner of their own: one runner is one test run,
// so its files share one build of the project's image; the per-file budget covers a cold machine
// (base images from Debian packages, then the build: two minutes before the first check); and
// their builds never compete for the CPU with the timing-sensitive tests.
const isEngine = (f) => /(^|\/)deploy\/engine-[^/]*\.test\.ts$/.test(f);
const groups = [
  { name: 'main', files: files.filter((f) => !isEngine(f)), timeoutMs: 180_000 },
  { name: 'engine', files: files.filter(isEngine), timeoutMs: 600_000 },
].filter((g) => g.files.length > 0 && (groupArg === undefined || g.name === groupArg));
let status = 0;
for (const g of groups) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', `--test-timeout=${g.timeoutMs}`, '--test-reporter=spec', ...g.files],
    { cwd: here, stdio: 'inherit' },
  );
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
