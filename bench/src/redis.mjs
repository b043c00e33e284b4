// A redis-server for scenario F: a free loopback port, a fresh dir under bench/.work, AOF with
// appendfsync always (the durability the compose `scale` profile runs with), pinned to core 0
// beside the Tandem instances so that scale-out is measured on the same CPU budget as one
// instance alone. Never the machine's own Redis (6379).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { workDir } from './servers.mjs';
import { cpuMs } from './proc.mjs';
import { freePort, sleep } from './util.mjs';

export function redisServerOnPath() {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, 'redis-server')));
}

/** true once a PING over a fresh connection is answered +PONG (not -LOADING). */
function ping(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
    s.write('*1\r\n$4\r\nPING\r\n');
  });
}

export class RedisProcess {
  async start() {
    this.port = await freePort();
    if (this.port === 6379) throw new Error('refusing port 6379 (the machine\'s own Redis)');
    mkdirSync(workDir, { recursive: true });
    this.dir = mkdtempSync(join(workDir, 'redis-'));
    const args = ['-c', '0', 'redis-server', '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir];
    this.proc = spawn('taskset', args, { stdio: 'ignore' });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
    process.on('exit', () => this.proc.kill('SIGKILL'));
    const deadline = Date.now() + 15000;
    while (!(await ping(this.port))) {
      if (this.proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await sleep(25);
    }
    return this;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  cpuMs() {
    return cpuMs(this.proc.pid);
  }

  async stop() {
    this.proc.kill('SIGKILL');
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
