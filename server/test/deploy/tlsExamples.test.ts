// The TLS examples of the self-hosting guide, run for real: deploy/nginx/tandem-tls.conf and
// deploy/Caddyfile, with only addresses and certificates swapped for local ones, in front of a
// server started as the image starts it. A y-websocket client over wss:// through each proxy
// must sync with another one: the upgrade and the long-lived socket pass.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startImageCmd, type StartedServer } from './support/imageCmd.js';
import { freePort, waitFor } from './support/poll.js';
import { ensureDebianTool, onPath, run } from './support/processes.js';
import { repoRoot } from './support/repoRoot.js';

let work = '';
let server: StartedServer | undefined;
const proxies: ChildProcess[] = [];
const providers: WebsocketProvider[] = [];

/** The guide's proxies use certificates we cannot have here: accept the local ones. */
class LocalCertWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { rejectUnauthorized: false });
  }
}

function get(url: string): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = (url.startsWith('https:') ? request : httpRequest)(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function syncThrough(wsUrl: string, name: string): Promise<void> {
  const opts = { WebSocketPolyfill: LocalCertWebSocket as unknown as typeof globalThis.WebSocket, disableBc: true };
  const a = new Y.Doc();
  const b = new Y.Doc();
  const pa = new WebsocketProvider(wsUrl, name, a, opts);
  const pb = new WebsocketProvider(wsUrl, name, b, opts);
  providers.push(pa, pb);
  try {
    await waitFor(`both clients connected and synced through ${wsUrl}`, () => pa.synced && pb.synced, 15_000);
    a.getText('t').insert(0, `via ${wsUrl}`);
    await waitFor(`the edit to reach the other client through ${wsUrl}`, () => b.getText('t').toString() === `via ${wsUrl}`, 10_000);
  } finally {
    pa.destroy();
    pb.destroy();
    a.destroy();
    b.destroy();
  }
}

async function stopProxy(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tandem-tls-'));
  await chmod(work, 0o755);
  server = await startImageCmd({ NODE_ENV: 'production', HOST: '127.0.0.1', DATA_DIR: join(work, 'data'), LOG_LEVEL: 'warn', TRUST_PROXY: '1' });
});

after(async () => {
  for (const p of providers) p.destroy();
  for (const p of proxies) await stopProxy(p, 'SIGTERM');
  await server?.stop('SIGTERM', 10_000);
  if (work) await rm(work, { recursive: true, force: true });
});

test('nginx: deploy/nginx/tandem-tls.conf redirects to https and passes wss:// to the server', async () => {
  await ensureDebianTool('nginx', 'nginx');
  await ensureDebianTool('openssl', 'openssl');
  const nginx = onPath('nginx') ? 'nginx' : '/usr/sbin/nginx';
  const dir = join(work, 'nginx');
  await mkdir(dir);
  await chmod(dir, 0o755);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const ssl = await run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert]);
  assert.equal(ssl.code, 0, ssl.stderr);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const original = readFileSync(join(repoRoot, 'deploy/nginx/tandem-tls.conf'), 'utf8');
  const conf = original
    .replace(/^(\s*listen\s+)80\s*;/m, `$1127.0.0.1:${httpPort};`)
    .replace(/^(\s*listen\s+)443(\s+ssl\s*;)/m, `$1127.0.0.1:${httpsPort}$2`)
    .replace(/^(\s*ssl_certificate\s+)\S+;/m, `$1${cert};`)
    .replace(/^(\s*ssl_certificate_key\s+)\S+;/m, `$1${key};`)
    .replace(/(proxy_pass\s+http:\/\/127\.0\.0\.1:)1234;/, `$1${server!.port};`);
  for (const needle of [`:${httpPort};`, `:${httpsPort} ssl;`, cert, key, `:${server!.port};`]) {
    assert.ok(conf.includes(needle), `could not localize ${needle} in the example (was it restructured?)`);
  }
  await writeFile(join(dir, 'tandem.conf'), conf);
  const main = join(dir, 'nginx.conf');
  await writeFile(main, [
    'daemon off;', 'worker_processes 1;', `pid ${join(dir, 'nginx.pid')};`, `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 64; }',
    'http {', '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${join(dir, `${k}_temp`)};`),
    `  include ${join(dir, 'tandem.conf')};`, '}', '',
  ].join('\n'));
  const check = await run([nginx, '-t', '-p', dir, '-c', main]);
  assert.equal(check.code, 0, check.stderr);
  const child = spawn(nginx, ['-p', dir, '-c', main], { stdio: 'ignore' });
  proxies.push(child);
  await waitFor('nginx to answer over https', async () => (await get(`https://127.0.0.1:${httpsPort}/healthz`)).status === 200, 10_000);

  const plain = await get(`http://127.0.0.1:${httpPort}/d/x`);
  assert.equal(plain.status, 301);
  assert.match(plain.location ?? '', /^https:\/\//);
  const page = await get(`https://127.0.0.1:${httpsPort}/d/tls-doc`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<html/i);
  await syncThrough(`wss://127.0.0.1:${httpsPort}`, 'tls-nginx');
  await stopProxy(child, 'SIGQUIT');
});

test('Caddy: deploy/Caddyfile is valid and its reverse_proxy passes wss:// to the server', async () => {
  await ensureDebianTool('caddy', 'caddy');
  const dir = join(work, 'caddy');
  await mkdir(dir);
  // Caddy keeps certificates and its local CA under XDG_DATA_HOME / HOME.
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  const original = join(repoRoot, 'deploy/Caddyfile');
  const valid = await run(['caddy', 'validate', '--adapter', 'caddyfile', '--config', original], { env });
  assert.equal(valid.code, 0, `caddy validate:\n${valid.stderr.slice(-2000)}`);

  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const site = readFileSync(original, 'utf8');
  // Same site block; a local name and ports, and a certificate from Caddy's own local CA.
  const local = site
    .replace(/^docs\.example\.com\s*\{/m, 'localhost {')
    .replace(/reverse_proxy\s+127\.0\.0\.1:1234\b/, `reverse_proxy 127.0.0.1:${server!.port}`);
  assert.ok(local.includes('localhost {') && local.includes(`127.0.0.1:${server!.port}`), 'could not localize deploy/Caddyfile');
  const caddyfile = join(dir, 'Caddyfile');
  await writeFile(caddyfile, [
    '{', '\tadmin off', '\tlocal_certs', '\tskip_install_trust', `\thttp_port ${httpPort}`, `\thttps_port ${httpsPort}`, '}', '', local,
  ].join('\n'));
  const child = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', caddyfile], { env, stdio: 'ignore' });
  proxies.push(child);
  await waitFor('Caddy to answer over https', async () => (await get(`https://localhost:${httpsPort}/healthz`)).status === 200, 20_000);
  const page = await get(`https://localhost:${httpsPort}/d/tls-doc`);
  assert.equal(page.status, 200);
  await syncThrough(`wss://localhost:${httpsPort}`, 'tls-caddy');
  await stopProxy(child, 'SIGTERM');
});
