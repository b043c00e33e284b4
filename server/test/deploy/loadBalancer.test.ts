// The `scale` profile's load balancer, run for real without an engine: nginx with the very
// deploy/nginx/tandem-lb.conf (only the upstream addresses and the listen port rewritten to
// loopback) in front of two servers started as the image starts them. No Redis: two clients of a
// document only meet if the balancer routes by document path and passes WebSocket upgrades, so
// convergence through it proves both; /metrics of each replica shows that every document lives
// on exactly one of them and that both get documents.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

const CONF = join(repoRoot, 'deploy/nginx/tandem-lb.conf');
const DOCS = Array.from({ length: 16 }, (_, i) => `lb-doc-${i}`);

let work = '';
let nginxBin = '';
let lbPort = 0;
let nginx: ChildProcess | undefined;
const replicas: StartedServer[] = [];
const docs: Y.Doc[] = [];
const providers: WebsocketProvider[] = [];

/** The config with the compose service names replaced by the local replicas. */
function localConfig(ports: readonly number[], listenPort: number): string {
  const conf = readFileSync(CONF, 'utf8');
  const names = ['tandem', 'tandem-2'];
  let out = conf.replace(/^(\s*server\s+)([\w.-]+):1234\b/gm, (_match, lead: string, host: string) => {
    const i = names.indexOf(host);
    assert.ok(i >= 0, `unexpected upstream ${host} in ${CONF}`);
    return `${lead}127.0.0.1:${ports[i]}`;
  });
  out = out.replace(/^\s*listen\s+\[::\]:80\s*;\s*$/m, '');
  out = out.replace(/^(\s*listen\s+)80(\s*;)/m, `$1127.0.0.1:${listenPort}$2`);
  assert.notEqual(out, conf, 'nothing rewritten');
  assert.doesNotMatch(out, /\b(tandem|tandem-2):1234\b|listen\s+80\b/, 'every upstream and listen rewritten');
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
  for (const n of [1, 2]) {
    const dataDir = join(work, `data-${n}`);
    replicas.push(await startImageCmd({ NODE_ENV: 'production', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', TRUST_PROXY: '1' }));
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
  for (const p of providers) p.destroy();
  for (const d of docs) d.destroy();
  if (nginx && nginx.exitCode === null) {
    const gone = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGQUIT');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
    if (nginx.exitCode === null) nginx.kill('SIGKILL');
  }
  for (const r of replicas) await r.stop('SIGTERM', 10_000);
  if (work) await rm(work, { recursive: true, force: true });
});

function client(doc: string): Y.Doc {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${lbPort}`, doc, ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  providers.push(provider);
  docs.push(ydoc);
  return ydoc;
}

async function documentsLoaded(server: StartedServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^tandem_documents_loaded(?:\{[^}]*\})?\s+(\d+)/m.exec(text);
  assert.ok(m, `tandem_documents_loaded missing from /metrics of ${server.url}`);
  return Number(m[1]);
}

test('through nginx: the app is served, and WebSocket clients of a document meet on one replica', async () => {
  const page = await fetch(`http://127.0.0.1:${lbPort}/d/${DOCS[0]}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i);

  const pairs = DOCS.map((name) => ({ name, a: client(name), b: client(name) }));
  await waitFor('every WebSocket upgrade through nginx to succeed and sync', () => providers.every((p) => p.synced), 15_000);
  for (const { name, a } of pairs) {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(`hello ${name}`)]);
    a.getXmlFragment('default').insert(0, [p]);
  }
  for (const { name, b } of pairs) {
    await waitFor(`the second client of ${name} to receive the first one's edit (both routed to the same replica)`,
      () => b.getXmlFragment('default').toString().includes(`hello ${name}`), 15_000);
  }
  const loaded = await Promise.all(replicas.map(documentsLoaded));
  assert.equal(loaded[0]! + loaded[1]!, DOCS.length, `each document open on exactly one replica (loaded: ${loaded.join(' + ')})`);
  assert.ok(loaded.every((n) => n > 0), `both replicas serve documents (loaded: ${loaded.join(' + ')})`);
});

test('the error log has no complaint about the configuration', () => {
  const log = join(work, 'error.log');
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  assert.doesNotMatch(text, /\[(emerg|alert|crit|error)\]/, text);
});
