#!/usr/bin/env node
// Runs every server test with node's test runner (TypeScript through tsx).
// Unit tests sit beside the code (src/**/*.test.ts); integration tests in test/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const here = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (entry.endsWith('.test.ts')) out.push(relative(here, p));
  }
  return out;
}

// Types first: tsx strips them without checking.
const tsc = spawnSync(process.execPath, [join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(here, 'tsconfig.json'), '--noEmit'], { cwd: here, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('server: type check failed\n');
  process.exit(tsc.status ?? 1);
}

let files = [...find(join(here, 'src')), ...find(join(here, 'test'))].sort();
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=180000', '--test-reporter=spec', ...files],
  { cwd: here, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
