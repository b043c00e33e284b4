// Helpers for the deployment tests: a Dockerfile reader, a server started the way the image
// starts it, child processes, polling. No Docker engine is needed (nor assumed) anywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the image's WORKDIR (/app) holds the same layout. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// ---------------------------------------------------------------------------------------------
// Dockerfile

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

export interface Stage {
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Splits a Dockerfile into stages of instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? '';
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i + 1;
    let joined = first;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      if (/^\s*#/.test(next)) continue; // comment lines inside a continuation are dropped
      joined = joined.replace(/\\\s*$/, ' ') + next;
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(joined);
    if (!m) throw new Error(`Dockerfile line ${start}: cannot read ${JSON.stringify(joined)}`);
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
  }
  const stages: Stage[] = [];
  let current: { base: string; name: string | undefined; instructions: Instruction[] } | undefined;
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile line ${ins.line}: cannot read FROM ${ins.args}`);
      current = { base: m[1]!, name: m[2], instructions: [] };
      stages.push(current);
    } else if (current) {
      current.instructions.push(ins);
    } else if (ins.keyword !== 'ARG') {
      throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before FROM`);
    }
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
}

/** The argv a CMD/ENTRYPOINT/HEALTHCHECK command runs: exec form as is, shell form via /bin/sh -c. */
export function commandArgv(form: string): string[] {
  const trimmed = form.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || !parsed.every((a): a is string => typeof a === 'string') || parsed.length === 0) {
      throw new Error(`not an exec-form command: ${form}`);
    }
    return parsed;
  }
  return ['/bin/sh', '-c', trimmed];
}

/** `ENV a=1 b="two words"` (or the legacy `ENV a 1`) → entries. */
export function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!args.includes('=')) {
    const m = /^(\S+)\s+(.*)$/.exec(args);
    if (m) out[m[1]!] = m[2]!;
    return out;
  }
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of args.matchAll(re)) {
    const raw = m[2]!;
    out[m[1]!] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.startsWith("'") ? raw.slice(1, -1) : raw;
  }
  return out;
}

/** The options and command of `HEALTHCHECK [--opt=v …] CMD <command>`. */
export function parseHealthcheck(args: string): { options: Record<string, string>; command: string } {
  const options: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([a-z-]+)=(\S+)\s+/.exec(rest); m; m = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    options[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  const cmd = /^CMD\s+([\s\S]+)$/i.exec(rest);
  if (!cmd) throw new Error(`HEALTHCHECK without CMD: ${args}`);
  return { options, command: cmd[1]! };
}

export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

// ---------------------------------------------------------------------------------------------
// Built output

export function requireBuilt(): void {
  const missing = ['server/dist/main.js', 'client/dist/index.html'].filter((p) => !existsSync(join(repoRoot, p)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} missing: build first (\`npm run build\` at the repository root; the root \`npm test\` does it)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (never throws for a non-zero exit; `timeoutMs` kills it). */
export function run(
  argv: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) throw new Error('empty argv');
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, bin)));
}

/**
 * Makes sure `bin` is on PATH: installs the Debian package when missing and we are root,
 * otherwise fails saying what to install.
 */
export async function ensureDebianTool(bin: string, pkg: string): Promise<void> {
  if (onPath(bin)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(`\`${bin}\` is not on PATH: install it (Debian/Ubuntu: \`sudo apt-get install -y ${pkg}\`) and run the tests again`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt may be running (another test file installing its tool, a developer): wait for
  // the dpkg lock, and retry while the package lists are locked.
  const apt = async (args: string[]): Promise<RunResult> => {
    for (let attempt = 1; ; attempt++) {
      const r = await run(['apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args], { env, timeoutMs: 600_000 });
      if (r.code === 0 || attempt >= 10 || !/lock/i.test(r.stderr)) return r;
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 3_000));
    }
  };
  const update = await apt(['update']);
  const install = await apt(['install', '-y', '--no-install-recommends', pkg]);
  if (install.code !== 0 || !onPath(bin)) {
    throw new Error(
      `could not install ${pkg} (apt-get update: exit ${update.code}; install: exit ${install.code}):\n${install.stderr.slice(-2000)}`,
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Configuration variables of the server (DESIGN.md): dropped from the inherited environment. */
const CONFIG_VARS = [
  'PORT', 'HOST', 'DATA_DIR', 'LOG_LEVEL', 'MAX_MESSAGE_BYTES', 'MAX_BUFFERED_BYTES', 'PING_INTERVAL_MS',
  'UNLOAD_GRACE_MS', 'COMPACT_AFTER_UPDATES', 'DURABILITY', 'AUTH_SECRET', 'ALLOWED_ORIGINS',
  'RATE_LIMIT_PER_SEC', 'RATE_LIMIT_BURST', 'MAX_CONNECTIONS_PER_IP', 'MAX_OPEN_DOCUMENTS', 'TRUST_PROXY',
  'REDIS_URL', 'NODE_ENV',
];

/** The inherited environment without the server's configuration (tests set what they mean). */
export function cleanEnv(extraDrop: readonly string[] = []): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [...CONFIG_VARS, ...extraDrop]) delete env[k];
  return env;
}

export interface StartedServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and waits for the exit; SIGKILLs after `timeoutMs` and reports it. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | string; ms: number; killed: boolean }>;
}

/**
 * Starts the image's CMD from the repository root (= the image's WORKDIR) with the image's ENV,
 * overridden by `env`, and waits for /healthz to answer 200.
 */
export async function startImageCmd(env: Record<string, string>): Promise<StartedServer> {
  requireBuilt();
  const stages = readDockerfile();
  const final = stages.at(-1);
  if (!final) throw new Error('Dockerfile has no FROM');
  const cmd = lastOf(final, 'CMD');
  if (!cmd) throw new Error('Dockerfile: the final stage has no CMD');
  const argv = commandArgv(cmd.args);
  // The image's `node` is the Node the tests run on (same major version: node:20).
  const [exe, ...args] = argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv;
  const imageEnv: Record<string, string> = {};
  for (const ins of final.instructions.filter((i) => i.keyword === 'ENV')) Object.assign(imageEnv, parseEnv(ins.args));

  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(exe!, args, {
    cwd: repoRoot,
    env: { ...cleanEnv(), ...imageEnv, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((r) =>
    child.on('exit', (code, signal) => {
      exitedWith = code ?? signal ?? 'unknown';
      r(exitedWith);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: StartedServer = {
    child,
    port,
    url,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      const t0 = Date.now();
      if (exitedWith === undefined) child.kill(signal);
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: Date.now() - t0, killed };
    },
  };
  try {
    const outcome = await waitFor(`GET /healthz → 200 from \`${argv.join(' ')}\``, async () => {
      if (exitedWith !== undefined) return 'exited' as const;
      const res = await fetch(`${url}/healthz`);
      return res.status === 200 ? ('healthy' as const) : undefined;
    }, 20_000);
    if (outcome === 'exited') throw new Error(`\`${argv.join(' ')}\` exited early (${String(exitedWith)})`);
  } catch (err) {
    await server.stop('SIGKILL', 2_000);
    throw new Error(`${(err as Error).message}\n--- server output ---\n${out}`);
  }
  return server;
}
