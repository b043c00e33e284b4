// A server started the way the image starts it (its CMD, from the repository root = the image's
// WORKDIR, with the image's ENV), for the checks that run without a Docker engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandArgv, lastOf, parseEnv, readDockerfile } from './dockerfile.js';
import { freePort, waitFor } from './poll.js';
import { repoRoot } from './repoRoot.js';

export function requireBuilt(): void {
  const missing = ['server/dist/main.js', 'client/dist/index.html'].filter((p) => !existsSync(join(repoRoot, p)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} missing: build first (\`npm run build\` at the repository root; the root \`npm test\` does it)`,
    );
  }
}

/** Configuration variables of the server (DESIGN.md): dropped from the inherited environment. */
const CONFIG_VARS = [
  'PORT', 'HOST', 'DATA_DIR', 'LOG_LEVEL', 'MAX_MESSAGE_BYTES', 'MAX_BUFFERED_BYTES', 'PING_INTERVAL_MS',
  'UNLOAD_GRACE_MS', 'COMPACT_AFTER_UPDATES', 'DURABILITY', 'AUTH_SECRET', 'ALLOWED_ORIGINS',
  'RATE_LIMIT_PER_SEC', 'RATE_LIMIT_BURST', 'MAX_CONNECTIONS_PER_IP', 'MAX_OPEN_DOCUMENTS', 'MAX_DOCUMENTS_PER_CREDENTIAL', 'TRUST_PROXY',
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
