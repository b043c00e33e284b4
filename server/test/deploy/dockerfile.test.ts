// What a Docker engine would reveal about the Dockerfile, checked without one (engine-*.test.ts run
// it on a real engine where one can run): the runtime stage starts a file that the build produces,
// as a non-root user owning /data, with production dependencies that cover every import of the
// built server, never sees the opt-in extra CA certificates, and its HEALTHCHECK command (run
// exactly as written) tells a healthy server from a stopped one.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import { commandArgv, lastOf, parseEnv, parseHealthcheck, readDockerfile, type Stage } from './support/dockerfile.js';
import { requireBuilt, startImageCmd, type StartedServer } from './support/imageCmd.js';
import { freePort } from './support/poll.js';
import { run } from './support/processes.js';
import { repoRoot } from './support/repoRoot.js';

const stages = readDockerfile();
const runtime = stages.at(-1)!;
const build = stages.find((s) => s.name === 'build');
const deps = stages.find((s) => s.name === 'deps');

function workdir(stage: Stage): string {
  // A stage built FROM another stage starts in that stage's WORKDIR.
  const own = lastOf(stage, 'WORKDIR')?.args;
  if (own) return own;
  const parent = stages.find((s) => s.name === stage.base);
  return parent ? workdir(parent) : '/';
}

/** A path inside the image (relative to `stage`'s WORKDIR or absolute) → the repository path. */
function inRepo(stage: Stage, imagePath: string): string {
  const abs = posix.resolve(workdir(stage), imagePath);
  const rel = posix.relative(workdir(stage), abs);
  assert.ok(!rel.startsWith('..'), `${imagePath} is outside WORKDIR ${workdir(stage)}`);
  return join(repoRoot, rel);
}

test('stages on node:20-bookworm-slim: deps installs (production apart), build builds, runtime copies', () => {
  assert.ok(deps && build, 'stages `deps` and `build`');
  const names = new Set(stages.map((s) => s.name));
  for (const s of stages) assert.ok(s.base === 'node:20-bookworm-slim' || names.has(s.base), `${s.name}: FROM ${s.base}`);
  const install = deps.instructions.find((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
  assert.ok(install, 'the deps stage runs npm ci');
  assert.match(install.args, /npm ci --omit=dev --workspace server\b/, 'the server\'s production dependencies, apart');
  assert.ok(build.instructions.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args)), 'the build stage runs `npm run build`');
  // The runtime stage never reaches the registry: no install, no build tooling.
  assert.ok(!runtime.instructions.some((i) => i.keyword === 'RUN' && /\bnpm\b/.test(i.args)), 'no npm in the runtime stage');
});

test('extra CA certificates: opt-in in deps only, for the install, never in the runtime stage', () => {
  const arg = deps?.instructions.find((i) => i.keyword === 'ARG' && /^EXTRA_CA_CERTS\b/.test(i.args));
  assert.ok(arg, 'ARG EXTRA_CA_CERTS in the deps stage');
  assert.match(arg.args, /^EXTRA_CA_CERTS(=""|=)?$/, 'empty by default: nothing is trusted beyond Node\'s own roots');
  const install = deps!.instructions.find((i) => i.keyword === 'RUN' && i.args.includes('EXTRA_CA_CERTS'));
  assert.ok(install, 'a RUN uses it');
  assert.match(install.args, /NODE_EXTRA_CA_CERTS=(\S+)/);
  const file = /NODE_EXTRA_CA_CERTS=([^\s;]+)/.exec(install.args)![1]!;
  assert.match(install.args, new RegExp(`rm -f ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`), 'the file is removed in the same step');
  for (const s of stages.filter((x) => x !== deps)) {
    for (const i of s.instructions) assert.doesNotMatch(i.args, /EXTRA_CA_CERTS/, `${s.name ?? 'stage'} line ${i.line}`);
  }
  assert.ok(!deps!.instructions.some((i) => i.keyword === 'ENV' && /NODE_EXTRA_CA_CERTS/.test(i.args)), 'no ENV: it would be inherited');
});

test('the build stage copies every local module that `npm run build` (scripts/build.mjs) imports', () => {
  assert.ok(build);
  const copied = build.instructions
    .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
  const isCopied = (rel: string) => copied.some((src) => src === rel || (src.endsWith('/') && rel.startsWith(src)));
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    assert.ok(isCopied(rel), `${rel} is imported by the build but not copied into the build stage`);
    const src = readFileSync(join(repoRoot, rel), 'utf8');
    for (const m of src.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g)) visit(posix.normalize(posix.join(posix.dirname(rel), m[1]!)));
  };
  visit('scripts/build.mjs');
});

test('the runtime stage: WORKDIR /app, image ENV, EXPOSE, VOLUME /data', () => {
  assert.equal(workdir(runtime), '/app');
  const env: Record<string, string> = {};
  for (const i of runtime.instructions.filter((x) => x.keyword === 'ENV')) Object.assign(env, parseEnv(i.args));
  assert.equal(env.HOST, '0.0.0.0');
  assert.equal(env.DATA_DIR, '/data');
  assert.equal(env.NODE_ENV, 'production');
  // glibc's fixed mmap threshold: large freed buffers go back to the system (bench E memory).
  assert.equal(env.MALLOC_MMAP_THRESHOLD_, '131072');
  const port = env.PORT ?? '1234';
  assert.equal(lastOf(runtime, 'EXPOSE')?.args, port, 'EXPOSE the port the server listens on');
  assert.match(lastOf(runtime, 'VOLUME')?.args ?? '', /^(\/data|\["\/data"\])$/);
});

test('everything the runtime stage copies from the build stage exists in the built output', () => {
  requireBuilt();
  const copies = runtime.instructions.filter((i) => i.keyword === 'COPY' && /--from=build\b/.test(i.args));
  assert.ok(copies.length >= 2, 'server/dist and client/dist are copied from the build stage');
  for (const c of copies) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const dest = parts.pop()!;
    for (const src of parts) {
      assert.ok(build, 'COPY --from needs a build stage');
      const path = inRepo(build, src);
      assert.ok(existsSync(path), `line ${c.line}: ${src} (${path}) does not exist after the build`);
      // Same layout in both stages: the server finds the client at server/dist/../../client/dist.
      assert.equal(posix.resolve(workdir(runtime), dest), posix.resolve(workdir(build), src), `line ${c.line}`);
    }
  }
});

test('CMD starts the built server directly (exec form, no npm), and the file exists', () => {
  requireBuilt();
  const cmd = lastOf(runtime, 'CMD');
  assert.ok(cmd, 'CMD');
  assert.ok(cmd.args.trim().startsWith('['), 'exec form, so SIGTERM reaches node (no shell in between)');
  const argv = commandArgv(cmd.args);
  assert.equal(argv[0], 'node', 'node itself, not npm: npm does not forward SIGTERM');
  assert.ok(!lastOf(runtime, 'ENTRYPOINT'), 'no ENTRYPOINT wrapping the CMD');
  const script = argv[1];
  assert.ok(script, 'a script to run');
  assert.ok(existsSync(inRepo(runtime, script)), `${script} is not in the built output`);
});

test('a non-root USER, and /data created and owned by it before VOLUME', () => {
  const user = lastOf(runtime, 'USER');
  assert.ok(user, 'USER');
  const name = user.args.split(':')[0]!;
  assert.ok(name !== 'root' && name !== '0', `USER ${user.args} is root`);
  const volumeAt = runtime.instructions.findIndex((i) => i.keyword === 'VOLUME' && i.args.includes('/data'));
  assert.ok(volumeAt >= 0, 'VOLUME /data');
  const chownAt = runtime.instructions.findIndex(
    (i) => i.keyword === 'RUN' && new RegExp(`chown\\s+(-R\\s+)?${name}(:\\S+)?\\s+(\\S+\\s+)*/data\\b`).test(i.args),
  );
  assert.ok(chownAt >= 0, `a RUN that chowns /data to ${name}`);
  assert.ok(chownAt < volumeAt, 'chown before VOLUME (changes to a volume path after VOLUME are discarded)');
  const userAt = runtime.instructions.indexOf(user);
  assert.ok(userAt > chownAt, 'USER after the chown (which needs root)');
  // The official node images create this user; another name would need a useradd first.
  if (name !== 'node') {
    assert.ok(runtime.instructions.some((i) => i.keyword === 'RUN' && new RegExp(`(useradd|adduser).*\\b${name}\\b`).test(i.args)));
  }
});

/** Bare package names imported anywhere in server/dist. */
function importedPackages(dir: string, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) importedPackages(path, found);
    else if (entry.name.endsWith('.js')) {
      const src = readFileSync(path, 'utf8');
      // `from` only as a keyword (after a space or `}`), not inside a string such as get('from').
      const re = /(?:(?:^|[\s}])from\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/gm;
      for (const m of src.matchAll(re)) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        found.add(pkg);
      }
    }
  }
  return found;
}

test('every package the built server imports is a production dependency of the server', () => {
  requireBuilt();
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'server/package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const deps = new Set(Object.keys(manifest.dependencies ?? {}));
  const builtins = new Set(builtinModules);
  const missing = [...importedPackages(join(repoRoot, 'server/dist'))].filter((p) => !deps.has(p) && !builtins.has(p));
  assert.deepEqual(missing, [], 'imported by server/dist but not in server/package.json "dependencies" (absent from the image)');
});

test('HEALTHCHECK: its exact command exits 0 against the running server and 1 once it is down', async (t) => {
  const hc = lastOf(runtime, 'HEALTHCHECK');
  assert.ok(hc, 'HEALTHCHECK');
  const { options, command } = parseHealthcheck(hc.args);
  const argv = commandArgv(command);
  const timeoutMs = options.timeout ? Number.parseInt(options.timeout, 10) * (options.timeout.endsWith('ms') ? 1 : 1000) : 30_000;

  const dataDir = await mkdtemp(join(tmpdir(), 'tandem-hc-'));
  let server: StartedServer | undefined;
  t.after(async () => {
    await server?.stop('SIGKILL', 2_000);
    await rm(dataDir, { recursive: true, force: true });
  });
  server = await startImageCmd({ NODE_ENV: 'production', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  // Inside the container the check sees the container's environment: PORT as the server has it.
  const env = { ...process.env, PORT: String(server.port) };
  const t0 = Date.now();
  const healthy = await run(argv, { env, timeoutMs });
  assert.equal(healthy.code, 0, `healthy server: exit ${healthy.code}\n${healthy.stderr}`);
  assert.ok(Date.now() - t0 < timeoutMs, 'within the HEALTHCHECK --timeout');

  const stopped = await server.stop('SIGTERM');
  assert.equal(stopped.code, 0);
  const down = await run(argv, { env, timeoutMs });
  assert.equal(down.code, 1, `stopped server: exit ${down.code}\n${down.stderr}`);

  // And with nothing listening anywhere near: a fresh free port.
  const nobody = await run(argv, { env: { ...env, PORT: String(await freePort()) }, timeoutMs });
  assert.equal(nobody.code, 1);
});
