#!/usr/bin/env node
// Cleans up after one run of the engine tests, once the run has ended however it ended (passed,
// failed, killed): removes every container, volume, network and image whose name starts with the
// run's prefix and the build layers the run recorded, then stops dockerd if the tests started it
// and no other run still needs it. Spawned detached by the run's first engine test file.
//
//   node janitor.mjs <state dir> <run prefix>
//
// Plain JavaScript with no dependencies: it outlives the test processes and their loaders.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [stateDir, prefix] = process.argv.slice(2);
if (!stateDir || !/^tandemtest[0-9t]+$/.test(prefix ?? '')) {
  process.stderr.write('usage: janitor.mjs <state dir> <run prefix>\n');
  process.exit(2);
}
const runs = join(stateDir, 'runs');
const record = join(runs, `${prefix}.json`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
const alive = ({ watchPid, ticks }) => startTicks(watchPid) === ticks;

function docker(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

// --- wait for the end of the run -----------------------------------------------------------
const me = JSON.parse(readFileSync(record, 'utf8'));
while (alive(me)) await sleep(1_000);

// --- the run's leftovers: containers first (they hold volumes, networks and images) ---------
const containers = docker(['ps', '-aq', '--filter', `name=${prefix}`]);
if (containers.length > 0) docker(['rm', '-f', '-v', ...containers]);
const networks = docker(['network', 'ls', '-q', '--filter', `name=${prefix}`]);
if (networks.length > 0) docker(['network', 'rm', ...networks]);
const volumes = docker(['volume', 'ls', '-q', '--filter', `name=${prefix}`]);
if (volumes.length > 0) docker(['volume', 'rm', '-f', ...volumes]);
const images = docker(['images', '-q', '--filter', `reference=${prefix}*`]);
if (images.length > 0) docker(['rmi', '-f', ...new Set(images)]);
// Layers the classic builder left untagged (the deps and build stages), newest first; one still
// used as cache by another run's image is refused by docker and stays.
const layers = join(runs, `${prefix}.layers`);
if (existsSync(layers)) {
  const ids = readFileSync(layers, 'utf8').split('\n').filter(Boolean).reverse();
  for (const id of ids) docker(['rmi', id]);
}

// --- the daemon, under the tests' lock ---------------------------------------------------------
const lock = join(stateDir, 'lock');
for (let i = 0; ; i++) {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), `${process.pid} ${startTicks(process.pid) ?? ''}`);
    break;
  } catch {
    let owner = '';
    try {
      owner = readFileSync(join(lock, 'owner'), 'utf8');
    } catch {
      owner = '';
    }
    const [pid, ticks] = owner.split(' ');
    if (pid && startTicks(Number(pid)) !== ticks) rmSync(lock, { recursive: true, force: true });
    if (i > 3_000) process.exit(1); // ten minutes: leave the daemon as it is
    await sleep(200);
  }
}
try {
  rmSync(record, { force: true });
  rmSync(layers, { force: true });
  const others = readdirSync(runs)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      try {
        return JSON.parse(readFileSync(join(runs, f), 'utf8'));
      } catch {
        return undefined;
      }
    })
    .filter((r) => r && alive(r));
  const daemonFile = join(stateDir, 'dockerd.json');
  if (others.length === 0 && existsSync(daemonFile)) {
    const daemon = JSON.parse(readFileSync(daemonFile, 'utf8'));
    if (startTicks(daemon.pid) === daemon.ticks) {
      process.kill(daemon.pid, 'SIGTERM');
      for (let i = 0; i < 300 && startTicks(daemon.pid) === daemon.ticks; i++) await sleep(100);
    }
    rmSync(daemonFile, { force: true });
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
