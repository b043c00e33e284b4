#!/usr/bin/env node
// Builds each workspace whose output is missing or older than its sources, so that
// `npm start` on a fresh clone works and a second `npm start` starts at once.
// `--force` rebuilds everything (`npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncGenerated } from './generated.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');

for (const copy of syncGenerated(root)) process.stderr.write(`[build] ${copy} regenerated\n`);

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

// One entry per build step: `script` of workspace `workspace`, rerun when any of `outputs` is
// missing or older than the newest of `sources`.
const targets = [
  // First: the editor's schema, which the server and the client import.
  { workspace: 'schema', script: 'build', outputs: ['schema/dist/index.js'], sources: ['schema/src', 'schema/tsconfig.json', 'schema/package.json', 'tsconfig.base.json'] },
  { workspace: 'server', script: 'build', outputs: ['server/dist/main.js'], sources: ['server/src', 'server/tsconfig.json', 'server/tsconfig.build.json', 'server/package.json', 'tsconfig.base.json'] },
  // The app (dist/index.html, assets/) and /embed.js with the iframe page (dist/embed.js, embed.html).
  {
    workspace: 'client',
    script: 'build',
    outputs: ['client/dist/index.html', 'client/dist/embed.js', 'client/dist/embed.html'],
    sources: ['client/src', 'schema/src', 'client/index.html', 'client/vite.config.ts', 'client/vite.embed.config.ts', 'client/tsconfig.json', 'client/package.json', 'client/public', 'tsconfig.base.json'],
  },
  // The npm package (`npm pack -w client`): lib/index.js, lib/style.css, lib/types/.
  {
    workspace: 'client',
    script: 'build:lib',
    outputs: ['client/lib/index.js', 'client/lib/style.css', 'client/lib/types/index.d.ts'],
    sources: ['client/src', 'schema/src', 'client/vite.lib.config.ts', 'client/tsconfig.lib.json', 'client/tsconfig.json', 'client/package.json', 'tsconfig.base.json'],
  },
];

for (const t of targets) {
  const built = Math.min(...t.outputs.map((o) => (existsSync(join(root, o)) ? statSync(join(root, o)).mtimeMs : 0)));
  const src = Math.max(...t.sources.map((s) => newest(join(root, s))));
  if (!force && built > 0 && built >= src) continue;
  if (!existsSync(join(root, t.workspace, 'package.json'))) continue;
  const label = t.script === 'build' ? t.workspace : `${t.workspace} ${t.script}`;
  process.stderr.write(`[build] ${label}${built ? ' (sources changed)' : ''}\n`);
  const r = spawnSync('npm', ['run', t.script, '-w', t.workspace], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`[build] ${label} failed\n`);
    process.exit(r.status ?? 1);
  }
}
