// A redis-server of the test's own on a free loopback port (never 6379, which the machine's may
// hold), keeping nothing on disk; Debian's redis-server is installed with apt-get when missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort, waitFor } from './poll.js';
import { ensureDebianTool } from './processes.js';

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.setTimeout(1_000, () => s.destroy());
    s.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      s.end();
    });
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisServer> {
  await ensureDebianTool('redis-server', 'redis-server');
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await waitFor(`redis-server on port ${port} to answer PING`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
      return ping(port);
    }, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
