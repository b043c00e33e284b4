// A Docker engine for the tests: the one that answers, or dockerd started here as root (Debian's
// docker.io installed with apt-get when missing) and stopped again by the janitor when the last
// run that needs it has ended. Where no engine can run (not root, no apt-get), the reason.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './poll.js';
import { aptInstall, onPath, run, type RunResult } from './processes.js';
import { currentRun, STATE_DIR, startTicks, withLock, type TestRun } from './testRun.js';

export interface Engine {
  readonly run: TestRun;
  /** `docker …` against the engine; never throws for a non-zero exit. */
  docker(args: readonly string[], timeoutMs?: number): Promise<RunResult>;
  /** `docker …` that must succeed: its trimmed stdout. */
  must(args: readonly string[], timeoutMs?: number): Promise<string>;
}

const JANITOR = join(dirname(fileURLToPath(import.meta.url)), 'janitor.mjs');

async function docker(args: readonly string[], timeoutMs = 120_000): Promise<RunResult> {
  return run(['docker', ...args], { timeoutMs });
}

async function must(args: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await docker(args, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.code ?? r.signal}\n${r.stderr.slice(-3000)}`);
  return r.stdout.trim();
}

/** dockerd, also where a PATH without sbin (CI's, some shells') does not look. */
function dockerdPath(): string | undefined {
  if (onPath('dockerd')) return 'dockerd';
  return existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : undefined;
}

async function answers(): Promise<boolean> {
  if (!onPath('docker')) return false;
  return (await docker(['info', '--format', '{{.ServerVersion}}'], 15_000)).code === 0;
}

/** Starts dockerd (its defaults: overlay2, the default bridge) and records it as ours. */
async function startDaemon(): Promise<void> {
  const log = openSync(join(STATE_DIR, 'dockerd.log'), 'a');
  const bin = dockerdPath();
  if (!bin) throw new Error('dockerd is not installed (Debian: apt-get install docker.io)');
  // PATH with sbin: dockerd looks up iptables, modprobe and containerd on it.
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin` };
  const child = spawn(bin, [], { detached: true, stdio: ['ignore', log, log], env });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('dockerd did not start');
  writeFileSync(join(STATE_DIR, 'dockerd.json'), JSON.stringify({ pid, ticks: startTicks(pid) }));
  await waitFor('dockerd to answer `docker info`', async () => {
    if (startTicks(pid) === undefined) throw new Error(`dockerd exited; see ${join(STATE_DIR, 'dockerd.log')}`);
    return answers();
  }, 60_000, 500);
}

/** Records this run and, for its first test file, spawns the janitor that cleans up after it. */
function registerRun(r: TestRun): void {
  const runs = join(STATE_DIR, 'runs');
  mkdirSync(runs, { recursive: true });
  const record = join(runs, `${r.prefix}.json`);
  if (existsSync(record)) return;
  writeFileSync(record, JSON.stringify({ watchPid: r.watchPid, ticks: startTicks(r.watchPid) }));
  const janitor = spawn(process.execPath, [JANITOR, STATE_DIR, r.prefix], { detached: true, stdio: 'ignore' });
  janitor.unref();
}

let engine: Promise<Engine | string> | undefined;

/** The engine, or one sentence saying why none can run here. */
export function engineOrReason(): Promise<Engine | string> {
  engine ??= (async () => {
    const isRoot = process.getuid?.() === 0;
    if (!(await answers())) {
      if (!isRoot) return 'no Docker engine answers and only root can start one (run the tests as root, or start dockerd)';
      if (!dockerdPath() || !onPath('docker')) {
        if (!onPath('apt-get')) return 'no Docker engine and no apt-get to install one (install docker.io, or start dockerd)';
        await aptInstall('docker.io', 'no Docker engine answers and dockerd is not installed');
        if (!dockerdPath() || !onPath('docker')) throw new Error('docker.io is installed but dockerd or docker is not found');
      }
    }
    const r = currentRun();
    await withLock(async () => {
      if (!(await answers())) await startDaemon();
      registerRun(r);
    });
    return { run: r, docker, must };
  })();
  return engine;
}

/** The daemon's own log, for failure messages (when the tests started it). */
export function daemonLog(): string {
  const path = join(STATE_DIR, 'dockerd.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-40).join('\n') : '';
}
