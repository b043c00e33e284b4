// The servers under test and their lifecycle: each runs as a child process on a free
// loopback port with its own data dir, pinned to core 0 (`taskset -c 0`), with the same node flags
// (`--expose-gc --require preload.cjs`) so a forced GC can precede every RSS sample.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './util.mjs';
import { cpuMs, rssBytes, diskBytes, fdCounts } from './proc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const benchDir = join(here, '..');
export const repoRoot = join(benchDir, '..');
export const workDir = join(benchDir, '.work');
const preload = join(here, 'preload.cjs');

/**
 * The Docker image's runtime ENV (the last stage's ENV lines), so that Tandem runs as the image
 * runs it; HOST, PORT and DATA_DIR are the harness's own.
 */
function imageEnv() {
  const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\r?\n/g, ' ');
  const lines = text.split(/\r?\n/);
  const lastFrom = lines.findLastIndex((l) => /^\s*FROM\s/i.test(l));
  const env = {};
  for (const line of lines.slice(lastFrom + 1)) {
    const m = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!m) continue;
    for (const [, k, v] of m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) env[k] = v.replace(/^"|"$/g, '');
  }
  for (const k of ['HOST', 'PORT', 'DATA_DIR']) delete env[k];
  return env;
}
const IMAGE_ENV = imageEnv();

/** Only rate and connection limits are raised; everything else is the production default. */
const TANDEM_LIMITS = {
  RATE_LIMIT_PER_SEC: '1000000',
  RATE_LIMIT_BURST: '1000000',
  MAX_CONNECTIONS_PER_IP: '100000',
  // J writes a 20 MB document through one client: over the default byte budget's 16 MB burst.
  RATE_LIMIT_BYTES_PER_SEC: '1073741824',
  RATE_LIMIT_BYTES_BURST: '1073741824',
  // Scenarios spread their clients over many documents from one address, without a token.
  MAX_DOCUMENTS_PER_CREDENTIAL: '100000',
};

/**
 * proto: 'yws' = plain y-websocket framing (Tandem and y-websocket), 'hocus' = Hocuspocus
 * framing (document name prefix + auth message) with HocuspocusProvider.
 */
/**
 * BENCH_TANDEM_ENV="VERSION_IDLE_MS=100,VERSION_EVERY_MS=500" adds settings to the `tandem`
 * server, to measure a feature's cost (e.g. scenario A while versions are being recorded).
 */
const TANDEM_EXTRA = Object.fromEntries((process.env.BENCH_TANDEM_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));

export const SERVERS = {
  tandem: {
    label: 'Tandem', proto: 'yws', persistent: true, health: '/healthz',
    entry: () => join(repoRoot, 'server/dist/main.js'), cwd: () => repoRoot,
    env: (dataDir, extra) => ({ ...IMAGE_ENV, DATA_DIR: dataDir, DURABILITY: 'write', LOG_LEVEL: 'warn', ...TANDEM_LIMITS, ...TANDEM_EXTRA, ...extra }),
  },
  'tandem-fsync': {
    label: 'Tandem fsync', proto: 'yws', persistent: true, health: '/healthz',
    entry: () => join(repoRoot, 'server/dist/main.js'), cwd: () => repoRoot,
    env: (dataDir, extra) => ({ ...IMAGE_ENV, DATA_DIR: dataDir, DURABILITY: 'fsync', LOG_LEVEL: 'warn', ...TANDEM_LIMITS, ...extra }),
  },
  // Scenario F: an instance of a scale-out pair (REDIS_URL comes as extra env); the `-cross`
  // column is the same pair with writer and observer on different instances.
  'tandem-redis': {
    label: 'Tandem+Redis', proto: 'yws', persistent: true, health: '/healthz',
    entry: () => join(repoRoot, 'server/dist/main.js'), cwd: () => repoRoot,
    env: (dataDir, extra) => ({ ...IMAGE_ENV, DATA_DIR: dataDir, DURABILITY: 'write', LOG_LEVEL: 'warn', ...TANDEM_LIMITS, ...extra }),
  },
  'tandem-redis-cross': {
    label: 'Tandem+Redis, observer on the other instance', proto: 'yws', persistent: true, health: '/healthz',
    entry: () => join(repoRoot, 'server/dist/main.js'), cwd: () => repoRoot,
    env: (dataDir, extra) => ({ ...IMAGE_ENV, DATA_DIR: dataDir, DURABILITY: 'write', LOG_LEVEL: 'warn', ...TANDEM_LIMITS, ...extra }),
  },
  yws: {
    label: 'y-websocket 1.5.4', proto: 'yws', persistent: false, health: '/',
    entry: () => join(benchDir, 'node_modules/y-websocket/bin/server.js'), cwd: () => benchDir,
    env: () => ({}),
  },
  'yws-leveldb': {
    label: 'y-websocket+LevelDB', proto: 'yws', persistent: true, health: '/',
    entry: () => join(benchDir, 'node_modules/y-websocket/bin/server.js'), cwd: () => benchDir,
    env: (dataDir) => ({ YPERSISTENCE: dataDir }),
  },
  // A reference, not a peer: what a relay that does nothing but forward gets on this machine
  // (peers/floor.mjs). Only where named in --servers, and never in a "best peer" ratio.
  floor: {
    label: 'bare relay (the floor)', proto: 'yws', persistent: false, health: '/', reference: true,
    entry: () => join(here, 'peers/floor.mjs'), cwd: () => benchDir,
    env: () => ({}),
  },
  hocus: {
    label: 'Hocuspocus 4.7', proto: 'hocus', persistent: false, health: '/',
    entry: () => join(here, 'peers/hocuspocus.mjs'), cwd: () => benchDir,
    env: () => ({}),
  },
  'hocus-file': {
    label: 'Hocuspocus+files', proto: 'hocus', persistent: true, health: '/',
    entry: () => join(here, 'peers/hocuspocus.mjs'), cwd: () => benchDir,
    env: (dataDir) => ({ STORE_DIR: dataDir }),
  },
};

export function tandemBuilt() {
  return existsSync(join(repoRoot, 'server/dist/main.js'));
}

// Never leave a server behind when the harness dies.
const live = new Set();
process.on('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

let seq = 0;
export function freshDataDir(id) {
  mkdirSync(workDir, { recursive: true });
  return mkdtempSync(join(workDir, `${id}-${process.pid}-${seq++}-`));
}

export class ServerProcess {
  constructor(id, { dataDir, env = {} } = {}) {
    this.id = id;
    this.def = SERVERS[id];
    if (!this.def) throw new Error(`unknown server ${id}`);
    this.dataDir = dataDir ?? freshDataDir(id);
    this.extraEnv = env;
    this.exit = null;
  }

  get url() {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** `port`: listen there instead of on a fresh free port (a restart that clients reconnect to). */
  async start({ timeoutMs = 20000, port } = {}) {
    this.port = port ?? (await freePort());
    const logPath = join(workDir, `${this.id}-${this.port}.log`);
    this.logPath = logPath;
    const log = openSync(logPath, 'a');
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production',
      PORT: String(this.port), HOST: '127.0.0.1',
      ...this.def.env(this.dataDir, this.extraEnv),
    };
    // BENCH_CPU_PROF=1 profiles Tandem (only) into bench/.work/prof for hotspot hunting
    const prof = process.env.BENCH_CPU_PROF && this.id.startsWith('tandem') ? ['--cpu-prof', `--cpu-prof-dir=${join(workDir, 'prof')}`] : [];
    // BENCH_TANDEM_NODE_FLAGS="--trace-opt …": node/V8 flags for Tandem's process only (to look inside it)
    const flags = this.id.startsWith('tandem') ? (process.env.BENCH_TANDEM_NODE_FLAGS ?? '').split(' ').filter(Boolean) : [];
    const args = ['-c', '0', process.execPath, ...prof, ...flags, '--expose-gc', '--require', preload, this.def.entry()];
    this.t0 = performance.now();
    this.proc = spawn('taskset', args, { cwd: this.def.cwd(), env, stdio: ['ignore', log, log] });
    live.add(this.proc);
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        live.delete(this.proc);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) throw new Error(`${this.id} exited during start (${JSON.stringify(this.exit)}): ${this.logTail()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}${this.def.health}`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        this.proc.kill('SIGKILL');
        throw new Error(`${this.id} not healthy after ${timeoutMs} ms: ${this.logTail()}`);
      }
      await sleep(25);
    }
    this.startMs = performance.now() - this.t0;
    return this;
  }

  get pid() {
    return this.proc.pid;
  }

  cpuMs() {
    return cpuMs(this.pid);
  }

  rss() {
    return rssBytes(this.pid);
  }

  /** Force a full GC in the server (via the preload's SIGUSR2 handler), then sample RSS. */
  async gcRss(waitMs = 400) {
    this.proc.kill('SIGUSR2');
    await sleep(waitMs);
    this.proc.kill('SIGUSR2');
    await sleep(waitMs);
    return this.rss();
  }

  /** Open file descriptors by kind (sockets, store files, other). */
  fds() {
    return fdCounts(this.pid, this.dataDir);
  }

  disk() {
    return diskBytes(this.dataDir);
  }

  logTail(n = 1500) {
    try {
      const s = readFileSync(this.logPath, 'utf8');
      return s.slice(-n).trim() || '(empty log)';
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM and wait; returns { code, signal, ms }. */
  async stop({ timeoutMs = 15000 } = {}) {
    if (this.exit) return { ...this.exit, ms: 0 };
    const t = performance.now();
    this.proc.kill('SIGTERM');
    const r = await Promise.race([this.exited, sleep(timeoutMs).then(() => null)]);
    if (!r) {
      this.proc.kill('SIGKILL');
      await this.exited;
      return { code: null, signal: 'SIGKILL', ms: performance.now() - t, timedOut: true };
    }
    return { ...r, ms: performance.now() - t };
  }

  async kill9() {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Soft and hard open-file limits this process (and so its children) runs with. */
export function nofile() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.trim().split(/\s+/).slice(3, 5).map(Number);
  return { soft, hard };
}
