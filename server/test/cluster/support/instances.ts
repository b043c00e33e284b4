// Tandem instances as real processes (`node server/dist/main.js`, as production runs it), each
// with its own temp DATA_DIR and fixed free port, all pointed at one Redis: so a test can
// SIGKILL one, restart it on the same data and port (its clients reconnect on their own), or
// SIGTERM it, exactly as an operator or a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { cleanEnv } from '../../deploy/support/imageCmd.js';
import { freePort } from '../../deploy/support/poll.js';
import { cleanup, repoRoot, serverRoot, tempDir, waitFor } from '../../helpers.js';
import { startRedis, type RedisServer } from './redis.js';

export interface Instance {
  /** 'A', 'B', 'C'… for messages. */
  readonly name: string;
  readonly port: number;
  /** ws://127.0.0.1:<port>, for y-websocket clients. */
  readonly url: string;
  readonly httpUrl: string;
  readonly dataDir: string;
  readonly running: boolean;
  /** stdout and stderr of every run so far. */
  output(): string;
  /** stderr of the latest run only. */
  stderr(): string;
  /** (Re)starts on the same DATA_DIR and port and waits for GET /healthz → 200. */
  start(): Promise<void>;
  /** Starts without waiting for health; resolves with the exit code once the process exits. */
  launch(): Promise<number | string>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  /** SIGTERM; resolves with the exit code (SIGKILLs after 15 s and says so). */
  stop(): Promise<number | string>;
  /** A metric's value from GET /metrics (summed over labels), undefined when not exported. */
  metric(name: string): Promise<number | undefined>;
  /** Kills it if running and deletes its data. */
  dispose(): Promise<void>;
}

/** Every instance's process, killed whatever happens to the test process. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

const mainJs = join(serverRoot, 'dist', 'main.js');

/** dist/main.js must exist and be newer than every non-test source under server/src. */
function requireFreshBuild(): void {
  const hint = 'run `node scripts/build.mjs` at the repository root (the root `npm test` does it first)';
  if (!existsSync(mainJs)) throw new Error(`server/dist/main.js is missing: ${hint}`);
  const built = statSync(mainJs).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return Math.max(t, newest(p));
      return e.name.endsWith('.test.ts') ? t : Math.max(t, statSync(p).mtimeMs);
    }, 0);
  if (newest(join(serverRoot, 'src')) > built) throw new Error(`server/dist is older than server/src: ${hint}`);
}

/**
 * One instance. `env` adds to (or overrides) LOG_LEVEL=warn, UNLOAD_GRACE_MS=200,
 * REDIS_TIMEOUT_MS=5000 and the raised rate limits; REDIS_URL is set unless `redisUrl` is undefined.
 */
export async function createInstance(name: string, redisUrl: string | undefined, env: Record<string, string> = {}): Promise<Instance> {
  requireFreshBuild();
  const port = await freePort();
  const dataDir = tempDir(`tandem-cluster-${name}-`);
  const fullEnv: NodeJS.ProcessEnv = {
    ...cleanEnv(['REDIS_TIMEOUT_MS', 'RATE_LIMIT_BYTES_PER_SEC', 'RATE_LIMIT_BYTES_BURST']),
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    UNLOAD_GRACE_MS: '200',
    // The tests' writers are faster than a person.
    RATE_LIMIT_PER_SEC: '100000',
    RATE_LIMIT_BURST: '100000',
    // A Redis ack slowed past 1 s by a loaded test machine would put an instance in local-only
    // mode, where a failover may rightly lack its latest edits; a Redis that is down is seen by
    // the lost connection, not by this timeout.
    REDIS_TIMEOUT_MS: '5000',
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
    ...env,
  };
  let proc: ChildProcess | undefined;
  let exited: Promise<number | string> = Promise.resolve('not started');
  let all = '';
  let err = '';

  const launch = (): Promise<number | string> => {
    if (proc) throw new Error(`instance ${name} is already running`);
    err = '';
    const child = spawn(process.execPath, [mainJs], { cwd: repoRoot, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = child;
    live.add(child);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (all += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      all += d;
      err += d;
    });
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        if (proc === child) proc = undefined;
        resolve(code ?? signal ?? 'unknown');
      }),
    );
    return exited;
  };

  const start = async (): Promise<void> => {
    const ended = launch();
    let gone: number | string | undefined;
    void ended.then((code) => (gone = code));
    try {
      const outcome = await waitFor(
        async () => {
          if (gone !== undefined) return 'exited' as const;
          const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) });
          return res.status === 200 ? ('healthy' as const) : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 25, what: `instance ${name} GET /healthz → 200` },
      );
      if (outcome === 'exited') throw new Error(`instance ${name} exited at start (${String(gone)})`);
    } catch (e) {
      proc?.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n--- output of instance ${name} ---\n${all}`);
    }
  };

  const kill = async (): Promise<void> => {
    proc?.kill('SIGKILL');
    await exited;
  };

  return {
    name,
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    dataDir,
    get running() {
      return proc !== undefined;
    },
    output: () => all,
    stderr: () => err,
    start,
    launch,
    kill,
    stop: async () => {
      if (!proc) return exited;
      const child = proc;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        all += `[instance ${name} still running 15 s after SIGTERM: SIGKILL]\n`;
        child.kill('SIGKILL');
      }, 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    metric: async (metricName) => metricOf(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), metricName),
    dispose: async () => {
      await kill();
      cleanup(dataDir);
    },
  };
}

/** `n` started instances named A, B, C… on one Redis. */
export async function startInstances(n: number, redisUrl: string | undefined, env: Record<string, string> = {}): Promise<Instance[]> {
  const list: Instance[] = [];
  for (let i = 0; i < n; i++) list.push(await createInstance(String.fromCharCode(65 + i), redisUrl, env));
  try {
    await Promise.all(list.map((x) => x.start()));
  } catch (e) {
    await disposeAll(list);
    throw e;
  }
  return list;
}

export async function disposeAll(list: readonly Instance[]): Promise<void> {
  await Promise.all(list.map((x) => x.dispose()));
}

/**
 * Prometheus text → the value of `name` (summed over its label sets), or undefined when no
 * sample of it is there: a gauge that is not exported must not read as 0.
 */
export function metricOf(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * A Redis and `count` instances for one test file: started before its tests, disposed after
 * (also when starting failed half-way). Read `redis` and `instances` inside the tests.
 */
export function clusterFixture(count: number): { readonly redis: RedisServer; readonly instances: Instance[] } {
  const fixture = { redis: undefined as unknown as RedisServer, instances: [] as Instance[] };
  before(async () => {
    fixture.redis = await startRedis();
    fixture.instances = await startInstances(count, fixture.redis.url);
  });
  after(async () => {
    await disposeAll(fixture.instances);
    if (fixture.redis) await fixture.redis.stop();
  });
  return fixture;
}
