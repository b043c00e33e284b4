#!/usr/bin/env node
// Builds each workspace whose output is missing or older than its sources, so that
// `npm start` on a fresh clone works and a second `npm start` starts at once.
// `--force` rebuilds everything (`npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncCloseCodes } from './closeCodes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');

if (syncCloseCodes(root)) process.stderr.write('[build] client/src/editor/closeCodes.generated.ts regenerated\n');

/** Newest modification time of any file below `path` (ignoring node_modules and dist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    t = Math.max(t, newest(join(path, entry)));
  }
  return t;
}

const targets = [
  // First: the server and the client import it.
  { name: 'schema', output: 'schema/dist/index.js', sources: ['schema/src', 'schema/tsconfig.json', 'schema/package.json', 'tsconfig.base.json'] },
  { name: 'server', output: 'server/dist/main.js', sources: ['server/src', 'server/tsconfig.json', 'server/tsconfig.build.json', 'server/package.json', 'tsconfig.base.json'] },
  { name: 'client', output: 'client/dist/index.html', sources: ['client/src', 'schema/src', 'client/index.html', 'client/vite.config.ts', 'client/tsconfig.json', 'client/package.json', 'client/public'] },
];

for (const t of targets) {
  const out = join(root, t.output);
  const built = existsSync(out) ? statSync(out).mtimeMs : 0;
  const src = Math.max(...t.sources.map((s) => newest(join(root, s))));
  if (!force && built > 0 && built >= src) continue;
  if (!existsSync(join(root, t.name, 'package.json'))) continue;
  process.stderr.write(`[build] ${t.name}${built ? ' (sources changed)' : ''}\n`);
  const r = spawnSync('npm', ['run', 'build', '-w', t.name], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`[build] ${t.name} failed\n`);
    process.exit(r.status ?? 1);
  }
}
