// A real redis-server for the cluster tests: a free loopback port, its own temp dir, AOF with
// `appendfsync always` (an acknowledged write is on disk, so kill -9 loses none of them), no RDB
// snapshots. It inflicts the failures the tests need — kill -9, restart on the same files,
// restart EMPTY (a lost volume) — and never touches a Redis the machine runs itself (6379).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { freePort } from '../../deploy/support/poll.js';
import { ensureDebianTool } from '../../deploy/support/processes.js';
import { after, before } from 'node:test';
import { cleanup, tempDir, waitFor, type TestServer } from '../../helpers.js';

export type RespValue = string | number | null | RespValue[];

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, what REDIS_URL gets. */
  readonly url: string;
  readonly dir: string;
  readonly running: boolean;
  /** Everything redis-server printed (for failure messages). */
  output(): string;
  /** One command over a fresh connection; an error reply rejects. */
  command(...args: string[]): Promise<RespValue>;
  /** SIGKILL: no shutdown save, no goodbye to clients. */
  kill(): Promise<void>;
  /** Starts again on the same port and files (the AOF is replayed). */
  restart(): Promise<void>;
  /** Starts again on the same port with an empty dir: as if its volume had been lost. */
  restartEmpty(): Promise<void>;
  /** Kills it and deletes its files. */
  stop(): Promise<void>;
}

// Never leave a redis-server behind, whatever happens to the test process.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/**
 * Starts redis-server (installing the Debian package first when it is missing and we are
 * root; otherwise one line saying what to install). `extraArgs` go after the fixed ones, e.g.
 * `['--maxmemory-policy', 'allkeys-lru']`.
 */
export async function startRedis(extraArgs: readonly string[] = []): Promise<RedisServer> {
  await ensureDebianTool('redis-server', 'redis-server');
  const port = await freePort();
  if (port === 6379) throw new Error('refusing to run a test Redis on 6379, the machine\'s own Redis port');
  const dir = tempDir('tandem-redis-');
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, ...extraArgs];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = child;
    live.add(child);
    let gone = false;
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        gone = true;
        live.delete(child);
        out += `[redis-server exited: ${code ?? signal}]\n`;
        resolve();
      }),
    );
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    // PING answers PONG only once the AOF is loaded (-LOADING before that).
    let outcome: 'up' | 'exited';
    try {
      outcome = await waitFor(
        async () => (gone ? 'exited' : (await redisCommand(port, ['PING'])) === 'PONG' ? 'up' : undefined),
        { timeoutMs: 15_000, intervalMs: 25, what: `redis-server on port ${port}` },
      );
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- redis-server output ---\n${out}`);
    }
    if (outcome === 'exited') throw new Error(`redis-server exited at start:\n${out}`);
  };

  const kill = async (): Promise<void> => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    proc = undefined;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get running() {
      return proc !== undefined;
    },
    output: () => out,
    command: (...args) => redisCommand(port, args),
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    restartEmpty: async () => {
      await kill();
      cleanup(dir);
      mkdirSync(dir, { recursive: true });
      await launch();
    },
    stop: async () => {
      await kill();
      cleanup(dir);
    },
  };
}

/** Sends one command in RESP and reads one reply. Enough for PING, CONFIG, GET/SET, INFO. */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 2_000): Promise<RespValue> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, value?: RespValue): void => {
      socket.destroy();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value ?? null);
    };
    const timer = setTimeout(() => done(new Error(`redis ${args[0]}: no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (err) => done(err));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      try {
        const parsed = parseResp(buf, 0);
        if (parsed) done(undefined, parsed.value);
      } catch (err) {
        done(err as Error);
      }
    });
    const parts = [`*${args.length}\r\n`, ...args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`)];
    socket.write(parts.join(''));
  });
}

/** One RESP2 value at `at`, or undefined when the buffer does not hold all of it yet. */
function parseResp(buf: Buffer, at: number): { value: RespValue; end: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return { value: line, end: eol + 2 };
    case '-':
      throw new Error(`redis error reply: ${line}`);
    case ':':
      return { value: Number(line), end: eol + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + len), end: eol + 2 + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      const items: RespValue[] = [];
      let end = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parseResp(buf, end);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected RESP reply: ${JSON.stringify(buf.toString('utf8', at, Math.min(buf.length, at + 40)))}`);
  }
}

/**
 * A redis-server for one test file and the in-process servers its tests start (they push them
 * on `servers`): Redis starts before the file's tests; after them the servers stop (their data
 * dirs removed), then Redis.
 */
export function useRedisAndServers(): { readonly redis: RedisServer; readonly servers: TestServer[] } {
  let redis: RedisServer | undefined;
  const servers: TestServer[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const s of servers) {
      await s.stop();
      cleanup(s.dataDir);
    }
    if (redis) await redis.stop(); // undefined when before() failed
  });
  return {
    get redis() {
      if (!redis) throw new Error('Redis is not started (used outside a test?)');
      return redis;
    },
    servers,
  };
}
