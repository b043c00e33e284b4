#!/usr/bin/env node
// `npm run bench [-- --smoke | --only=A,C | --servers=tandem,yws]`: installs bench/'s own
// dependencies on first use (bench/ is not a workspace, so the peers never enter the
// product's install), then runs the harness in bench/src/run.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const marker = join(bench, 'node_modules', '.package-lock.json');
const lock = join(bench, 'package-lock.json');

if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  process.stderr.write('[bench] installing bench/ dependencies (npm ci)\n');
  // No install scripts are needed: leveldown (under y-leveldb) loads its bundled prebuilt.
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: bench, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('[bench] npm ci in bench/ failed\n');
    process.exit(r.status ?? 1);
  }
}

const r = spawnSync(process.execPath, [join(bench, 'src', 'run.mjs'), ...process.argv.slice(2)], { cwd: bench, stdio: 'inherit' });
process.exit(r.status ?? 1);
