// The `scale` profile's load balancer, run for real without an engine: nginx with the very
// deploy/nginx/tandem-lb.conf in front of two servers started as the image starts them, sharing a
// real redis-server (REDIS_URL) as scale-out does. Only the upstream addresses and the listen
// port are rewritten to loopback, and the path hash is taken out: a ROUND-ROBIN upstream, as the
// scale-out contract asks of tests, since correctness must never depend on routing by path.
// Two clients of one document are checked to sit on different instances (each replica's
// /metrics), so they only converge if updates cross instances.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startImageCmd, type StartedServer } from './support/imageCmd.js';
import { freePort, waitFor } from './support/poll.js';
import { ensureDebianTool, onPath, run } from './support/processes.js';
import { startRedis, type RedisServer } from '../cluster/support/redis.js';
import { repoRoot } from './support/repoRoot.js';
import { Clients, type Client } from './support/yclient.js';

const CONF = join(repoRoot, 'deploy/nginx/tandem-lb.conf');

let work = '';
let nginxBin = '';
let lbPort = 0;
let nginx: ChildProcess | undefined;
let redis: RedisServer | undefined;
const replicas: StartedServer[] = [];
const clients = new Clients();

/** The config with the compose service names replaced by the local replicas. */
function localConfig(ports: readonly number[], listenPort: number): string {
  const conf = readFileSync(CONF, 'utf8');
  const names = ['tandem', 'tandem-2'];
  let out = conf.replace(/^(\s*server\s+)([\w.-]+):1234\b/gm, (_match, lead: string, host: string) => {
    const i = names.indexOf(host);
    assert.ok(i >= 0, `unexpected upstream ${host} in ${CONF}`);
    return `${lead}127.0.0.1:${ports[i]}`;
  });
  // Round robin: the shipped config's `hash $uri consistent` is an optimisation, never relied on.
  const roundRobin = out.replace(/^\s*hash\s+\$uri\s+consistent\s*;\s*$/m, '');
  assert.notEqual(roundRobin, out, `no \`hash $uri consistent;\` in ${CONF} to take out`);
  out = roundRobin;
  out = out.replace(/^\s*listen\s+\[::\]:80\s*;\s*$/m, '');
  out = out.replace(/^(\s*listen\s+)80(\s*;)/m, `$1127.0.0.1:${listenPort}$2`);
  assert.notEqual(out, conf, 'nothing rewritten');
  assert.doesNotMatch(out, /\b(tandem|tandem-2):1234\b|listen\s+80\b|^\s*(hash|ip_hash|least_conn)\b/m, 'every upstream and listen rewritten, round robin');
  return out;
}

async function nginxCheck(mainConf: string): Promise<void> {
  const r = await run([nginxBin, '-t', '-p', work, '-c', mainConf]);
  assert.equal(r.code, 0, `nginx -t:\n${r.stderr}`);
}

before(async () => {
  await ensureDebianTool('nginx', 'nginx');
  nginxBin = onPath('nginx') ? 'nginx' : '/usr/sbin/nginx';
  work = await mkdtemp(join(tmpdir(), 'tandem-lb-'));
  await chmod(work, 0o755);
  redis = await startRedis();
  for (const n of [1, 2]) {
    const dataDir = join(work, `data-${n}`);
    replicas.push(await startImageCmd({
      NODE_ENV: 'production', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', TRUST_PROXY: '1', REDIS_URL: redis.url,
    }));
  }
  lbPort = await freePort();
  await writeFile(join(work, 'tandem-lb.conf'), localConfig(replicas.map((r) => r.port), lbPort));
  const main = join(work, 'nginx.conf');
  // The main context that the nginx image provides around conf.d/default.conf.
  await writeFile(main, [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(work, 'nginx.pid')};`,
    `error_log ${join(work, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${join(work, `${k}_temp`)};`),
    `  include ${join(work, 'tandem-lb.conf')};`,
    '}',
    '',
  ].join('\n'));
  await nginxCheck(main);
  nginx = spawn(nginxBin, ['-p', work, '-c', main], { stdio: 'ignore' });
  await waitFor('nginx to answer /healthz', async () => (await fetch(`http://127.0.0.1:${lbPort}/healthz`)).status === 200, 10_000);
});

after(async () => {
  clients.destroyAll();
  if (nginx && nginx.exitCode === null) {
    const gone = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGQUIT');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
    if (nginx.exitCode === null) nginx.kill('SIGKILL');
  }
  for (const r of replicas) await r.stop('SIGTERM', 10_000);
  await redis?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const viaBalancer = (doc: string): Client => clients.connect(`ws://127.0.0.1:${lbPort}`, doc);

async function connections(server: StartedServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^tandem_connections(?:\{[^}]*\})?\s+(\d+)/m.exec(text);
  assert.ok(m, `tandem_connections missing from /metrics of ${server.url}`);
  return Number(m[1]);
}

/** Which replica (0 or 1) holds the one connection opened since `before` was read. */
async function landedOn(before: readonly number[]): Promise<number> {
  return waitFor('the new connection to show in one replica\'s /metrics', async () => {
    const now = await Promise.all(replicas.map(connections));
    const grew = now.map((n, i) => n - before[i]!);
    if (grew.reduce((a, b) => a + b, 0) !== 1) return undefined;
    return grew.indexOf(1);
  }, 10_000);
}

test('through nginx: the app is served and a WebSocket upgrade passes', async () => {
  const page = await fetch(`http://127.0.0.1:${lbPort}/d/lb-page`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i);
  const c = viaBalancer('lb-upgrade');
  await waitFor('a y-websocket client to sync through nginx', () => c.provider.synced, 15_000);
  c.destroy();
  // Closed on both replicas before the next test counts connections.
  await waitFor('the connection to close', async () => (await Promise.all(replicas.map(connections))).every((n) => n === 0), 10_000);
});

test('round robin: two clients of one document on different instances converge (through Redis)', async () => {
  const doc = `lb-rr-${Date.now()}`;
  // One connection at a time, so that /metrics tells where each one went. Round robin sends the
  // next one to the other replica; a client that landed where the first one is gets replaced.
  const idle = await Promise.all(replicas.map(connections));
  const first = viaBalancer(doc);
  const home = await landedOn(idle);
  await waitFor('the first client to sync', () => first.provider.synced, 15_000);
  let second: Client | undefined;
  for (let attempt = 0; attempt < 4 && !second; attempt++) {
    const counts = await Promise.all(replicas.map(connections));
    const c = viaBalancer(doc);
    if ((await landedOn(counts)) !== home) second = c;
    else c.destroy();
  }
  assert.ok(second, 'round robin never sent a second client to the other replica');
  await waitFor('the second client to sync', () => second!.provider.synced, 15_000);
  first.write('from the first instance');
  second.write('from the second instance');
  for (const [who, c] of [['first', first], ['second', second]] as const) {
    await waitFor(`the ${who} client to hold both edits (only possible across instances)`, () => {
      const text = c.text();
      return text.includes('from the first instance') && text.includes('from the second instance');
    }, 15_000);
  }
  assert.equal(first.text(), second.text());
});

test('the error log has no complaint about the configuration', () => {
  const log = join(work, 'error.log');
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  assert.doesNotMatch(text, /\[(emerg|alert|crit|error)\]/, text);
});
