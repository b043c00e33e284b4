#!/usr/bin/env node
// Builds the image's file system without a Docker engine, then starts it and checks it.
//
//   node deploy/simulate-image.mjs [--keep]
//
// The build context is this repository filtered by .dockerignore; each stage of the Dockerfile
// gets a directory standing for its root file system. WORKDIR, ENV, COPY (from the context or
// `--from` a stage) are carried out; RUN is carried out when it is an npm command (with the
// stage's ENV, in its WORKDIR) and listed as skipped otherwise (it would need the image's own
// root: chown, mkdir /data, …). Then the final stage's CMD is started from its WORKDIR with the
// image's ENV (DATA_DIR moved to a temp directory, HOST to loopback), as uid 1000 when run as
// root (the image's `node` user), and /healthz, /d/<name>, the HEALTHCHECK command and SIGTERM
// are checked. What this cannot show: the base image itself (its Node and npm versions), and
// the RUN lines it skips. Needs the npm registry (or a warm npm cache).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'tandem-image-'));
chmodSync(work, 0o755); // the CMD runs as uid 1000 below
const log = (msg) => process.stdout.write(`[image] ${msg}\n`);
let failed = false;
const check = (ok, what) => {
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};

// --- Dockerfile -----------------------------------------------------------------------------
function parseDockerfile(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(#|$)/.test(lines[i])) continue;
    let joined = lines[i];
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) continue;
      joined = joined.replace(/\\\s*$/, ' ') + lines[i];
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(joined);
    out.push({ keyword: m[1].toUpperCase(), args: m[2].trim() });
  }
  const stages = [];
  for (const ins of out) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ base: m[1], name: m[2], instructions: [] });
    } else stages.at(-1)?.instructions.push(ins);
  }
  return stages;
}

function parseEnv(args) {
  const env = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    env[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
  }
  return env;
}

const argvOf = (form) => (form.trim().startsWith('[') ? JSON.parse(form) : ['/bin/sh', '-c', form]);

// --- .dockerignore (Docker's rules: last matching pattern wins, `!` re-includes, a pattern that
// matches a directory excludes what is below it) --------------------------------------------
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => ({ negate: l.startsWith('!'), re: globToRegExp(posix.normalize(l.replace(/^!/, '')).replace(/^\/+/, '')) }));
function excluded(rel) {
  const parts = rel.split('/');
  let out = false;
  for (const p of ignore) {
    for (let n = 1; n <= parts.length; n++) {
      if (p.re.test(parts.slice(0, n).join('/'))) {
        out = !p.negate;
        break;
      }
    }
  }
  return out;
}
function buildContext(dest) {
  let files = 0;
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // A directory excluded outright, with no `!` pattern reaching inside, is not walked.
        if (excluded(r) && !ignore.some((p) => p.negate && p.re.source.startsWith(`^${r.replace(/[.+^${}()|[\]\\]/g, '\\$&')}/`))) continue;
        walk(r);
      } else if (!excluded(r)) {
        mkdirSync(dirname(join(dest, r)), { recursive: true });
        cpSync(join(root, r), join(dest, r));
        files++;
      }
    }
  };
  walk('');
  return files;
}

// --- stages ---------------------------------------------------------------------------------
const context = join(work, 'context');
log(`context: ${buildContext(context)} files (after .dockerignore) in ${context}`);

const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const fsOf = new Map();
let final;
for (const [index, stage] of stages.entries()) {
  const fsRoot = join(work, `stage-${stage.name ?? index}`);
  mkdirSync(fsRoot, { recursive: true });
  const state = { fsRoot, workdir: '/', env: {}, user: 'root', cmd: undefined, healthcheck: undefined, stage };
  fsOf.set(stage.name ?? String(index), state);
  log(`--- stage ${stage.name ?? index} (FROM ${stage.base})`);
  for (const { keyword, args } of stage.instructions) {
    const inFs = (p) => join(fsRoot, posix.resolve(state.workdir, p));
    switch (keyword) {
      case 'WORKDIR':
        state.workdir = posix.resolve(state.workdir, args);
        mkdirSync(inFs('.'), { recursive: true });
        break;
      case 'ENV':
        Object.assign(state.env, parseEnv(args));
        break;
      case 'COPY': {
        const parts = args.split(/\s+/);
        const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const paths = parts.filter((p) => !p.startsWith('--'));
        const dest = paths.pop();
        const source = from ? fsOf.get(from) : undefined;
        if (from && !source) throw new Error(`COPY --from=${from}: no such stage`);
        for (const src of paths) {
          const srcPath = source ? join(source.fsRoot, posix.resolve(source.workdir, src)) : join(context, src);
          if (!existsSync(srcPath)) {
            check(false, `COPY ${src}: not in the ${from ? `stage ${from}` : 'build context'}`);
            continue;
          }
          const isDir = statSync(srcPath).isDirectory();
          // COPY a/ b/ copies the contents of a into b; a file into a dir ending in / keeps its name.
          const target = !isDir && dest.endsWith('/') ? join(inFs(dest), posix.basename(src)) : inFs(dest);
          mkdirSync(isDir ? target : dirname(target), { recursive: true });
          cpSync(srcPath, target, { recursive: true });
        }
        break;
      }
      case 'RUN': {
        if (!/^npm\s/.test(args)) {
          log(`skip RUN ${args}`);
          break;
        }
        log(`RUN ${args}`);
        const env = { ...process.env, ...state.env };
        delete env.npm_config_omit; // as in a clean image
        const t0 = Date.now();
        const r = spawnSync('/bin/sh', ['-c', args], { cwd: inFs('.'), env, stdio: 'inherit' });
        check(r.status === 0, `RUN ${args.split(' ').slice(0, 4).join(' ')}… (${Math.round((Date.now() - t0) / 1000)} s)`);
        if (r.status !== 0) process.exit(1);
        break;
      }
      case 'USER':
        state.user = args;
        break;
      case 'CMD':
        state.cmd = argvOf(args);
        break;
      case 'HEALTHCHECK':
        state.healthcheck = argvOf(args.replace(/^(--\S+\s+)*CMD\s+/, ''));
        break;
      default:
        break; // VOLUME, EXPOSE, ARG: nothing to lay down
    }
  }
  final = state;
}

// --- the runtime file system ----------------------------------------------------------------
const app = join(final.fsRoot, final.workdir);
const modules = readdirSync(join(app, 'node_modules')).flatMap((n) =>
  n.startsWith('@') ? readdirSync(join(app, 'node_modules', n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n],
);
const du = execFileSync('du', ['-sh', join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0];
log(`runtime node_modules: ${modules.length} entries, ${du}: ${modules.join(' ')}`);
for (const dev of ['typescript', 'vite', 'tsx', 'react', '@tiptap/core', '@playwright/test', 'fast-check']) {
  check(!modules.includes(dev), `no ${dev} in the runtime stage`);
}
check(existsSync(join(app, 'client/dist/index.html')), 'client/dist/index.html in the runtime stage');

// --- start it as the image would --------------------------------------------------------------
const port = await new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const dataDir = join(work, 'volume-data');
mkdirSync(dataDir);
const asUser = process.getuid?.() === 0 && final.user !== 'root' ? { uid: 1000, gid: 1000 } : {};
if (asUser.uid !== undefined) chownSync(dataDir, 1000, 1000);
const env = { PATH: process.env.PATH, ...final.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir };
const [exe, ...args] = final.cmd;
log(`CMD ${final.cmd.join(' ')} in ${app} as ${asUser.uid !== undefined ? 'uid 1000' : 'the current user'}`);
const child = spawn(exe === 'node' ? process.execPath : exe, args, { cwd: app, env, ...asUser, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
const exited = new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal)));
let healthy = false;
for (let i = 0; i < 200 && child.exitCode === null && !healthy; i++) {
  healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
  if (!healthy) await new Promise((r) => setTimeout(r, 50));
}
check(healthy, 'GET /healthz → 200');
const page = await fetch(`http://127.0.0.1:${port}/d/simulated`).then((r) => r.text(), () => '');
const script = /<script[^>]*\bsrc="([^"]+)"/.exec(readFileSync(join(app, 'client/dist/index.html'), 'utf8'))?.[1];
check(Boolean(script) && page.includes(script), 'GET /d/<name> serves the built client');
const hc = spawnSync(final.healthcheck[0], final.healthcheck.slice(1), { env: { ...env }, ...asUser, encoding: 'utf8' });
check(hc.status === 0, `HEALTHCHECK exits 0 (${hc.status})`);
child.kill('SIGTERM');
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
check(code === 0, `SIGTERM → exit ${code}`);
if (code === 'timeout') child.kill('SIGKILL');
const stored = readdirSync(dataDir);
check(stored.length > 0, `the store was created in the volume (${stored.join(' ')})`);
if (failed) process.stdout.write(out);
if (keep) log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
log(failed ? 'FAILED' : 'all checks passed');
process.exit(failed ? 1 : 0);
