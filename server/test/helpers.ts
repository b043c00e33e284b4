// Shared test fixtures: a real server on a free loopback port with a temp LevelDB,
// real y-websocket clients, and polling instead of sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { loadConfig } from '../src/config.js';
import { encodeAwareness } from '../src/protocol/messages.js';
import { silentLogger } from '../src/logger.js';
import { startServer, type TandemServer } from '../src/server.js';
import { tempDir } from '../../scripts/testkit/index.mjs';
import { editorText, type EditorText } from './editorBody.js';

export { freePort, tempDir, waitFor } from '../../scripts/testkit/index.mjs';
export { editorText, type EditorText } from './editorBody.js';

// y-websocket providers each add a process 'exit' listener.
process.setMaxListeners(200);

export const serverRoot = resolve(import.meta.dirname, '..');
export const repoRoot = resolve(serverRoot, '..');

export interface TestServer {
  server: TandemServer;
  url: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Stops and starts again on the same data directory (and port). */
  restart(): Promise<TestServer>;
  metric(name: string): Promise<number>;
}

/**
 * An in-process server; `env` uses the same variables as production. `now` is the clock of
 * version, upload and grace-period times (a test's own, to age things without waiting).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  dataDir = tempDir(),
  clusterOptions: Parameters<typeof startServer>[3] = {},
  now: () => number = Date.now,
): Promise<TestServer> {
  const fullEnv = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', UNLOAD_GRACE_MS: '200', ...env, DATA_DIR: dataDir };
  const config = loadConfig(fullEnv, repoRoot, join(repoRoot, 'client', 'dist'));
  const server = await startServer(config, silentLogger(), undefined, clusterOptions, now);
  const url = `ws://127.0.0.1:${server.port}`;
  const ts: TestServer = {
    server,
    url,
    port: server.port,
    dataDir,
    env: fullEnv,
    stop: () => server.stop(),
    restart: async () => {
      await server.stop();
      return startTestServer({ ...env, PORT: String(server.port) }, dataDir, clusterOptions, now);
    },
    metric: async (name) => metricValue(await server.metrics.registry.metrics(), name),
  };
  return ts;
}

/** The body text of the server's open copy of `name`; undefined while the document is not open. */
export function roomText(ts: TestServer, name: string): string | undefined {
  const room = ts.server.registry.get(name);
  return room ? editorText(room.doc).toString() : undefined;
}

export function metricValue(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? sum : 0;
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** The editor body's paragraph (see editorBody.ts). */
  text: EditorText;
  synced: Promise<void>;
  destroy(): void;
}

/** An unmodified y-websocket client in Node. */
export function connect(url: string, name: string, opts: { doc?: Y.Doc; params?: Record<string, string>; connect?: boolean } = {}): Client {
  const doc = opts.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(url, name, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: opts.params ?? {},
    connect: opts.connect ?? true,
    maxBackoffTime: 200,
    // In one process y-websocket providers would also talk over BroadcastChannel, bypassing the server.
    disableBc: true,
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else provider.once('sync', (s: boolean) => s && resolve());
  });
  return {
    doc,
    provider,
    text: editorText(doc),
    synced,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

export type RawSocket = WebSocket & { received: Buffer[] };

/** A raw WebSocket, for frames a y-websocket client would never send; `received` holds every message. */
export function rawSocket(url: string, name: string, headers: Record<string, string> = {}, token?: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(`${url}/${encodeURIComponent(name)}${query}`, { headers }) as RawSocket;
    ws.binaryType = 'nodebuffer';
    ws.received = [];
    ws.on('message', (data: Buffer) => ws.received.push(data));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** The HTTP status an upgrade is refused with (or 101). */
export function upgradeStatus(url: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url + path, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

export function closeCode(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** The production server as a child process (`node dist/main.js`), for crash and signal tests. */
export interface ChildServer {
  proc: ChildProcess;
  port: number;
  url: string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(env: Record<string, string>): Promise<ChildServer> {
  const proc = spawn(process.execPath, [join(serverRoot, 'dist', 'main.js')], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { port?: number; msg?: string };
        if (rec.port && rec.msg?.startsWith('Tandem listening')) resolve(rec.port);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  return {
    proc,
    port,
    url: `ws://127.0.0.1:${port}`,
    exited,
    kill: (signal) => {
      proc.kill(signal);
      return exited;
    },
  };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** An awareness message for one client ID, as a y-websocket client frames it. */
export function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  return encodeAwareness([{ clientId, clock, json: JSON.stringify(state) }]);
}

/**
 * A server for one test file: started before its tests (with `env`), stopped and its data
 * directory removed after; `set` receives it (test files keep it in a `let ts`).
 */
export function useTestServer(set: (ts: TestServer) => void, env: Record<string, string> = {}): void {
  let ts: TestServer | undefined;
  before(async () => {
    ts = await startTestServer(env);
    set(ts);
  });
  after(async () => {
    if (!ts) return;
    await ts.stop();
    cleanup(ts.dataDir);
  });
}
