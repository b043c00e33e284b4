#!/usr/bin/env node
// `npm test -w e2e`: make sure a Chromium exists (Playwright cannot download one here), make sure
// the production build is current, then run the Playwright suite. Extra arguments go to Playwright.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(e2eDir, '..');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  return r.status ?? 1;
}

if (!existsSync(chromium)) {
  if (process.getuid?.() === 0) {
    process.stderr.write(`[e2e] ${chromium} missing: installing Debian's chromium with apt-get\n`);
    if (run('apt-get', ['update'], root) !== 0 || run('apt-get', ['install', '-y', 'chromium'], root) !== 0) {
      process.stderr.write('[e2e] apt-get install chromium failed\n');
      process.exit(1);
    }
  } else {
    process.stderr.write(
      `[e2e] No Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium)\n` +
        '      or point CHROMIUM_PATH at an existing Chromium/Chrome binary, then run again.\n',
    );
    process.exit(1);
  }
}

// Builds server and client only when missing or older than their sources.
if (run(process.execPath, [join(root, 'scripts', 'build.mjs')], root) !== 0) process.exit(1);

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
process.exit(run(process.execPath, [cli, 'test', ...process.argv.slice(2)], e2eDir));
