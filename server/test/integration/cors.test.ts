// The one CORS policy (DESIGN.md, HTTP API contract) and the embed entry points. Root cause
// this guards: an embedding page on another origin could not even ask /api/access, because
// OPTIONS got 405 and no Access-Control-Allow-Origin was sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startServer, type TandemServer } from '../../src/server.js';
import { cleanup, repoRoot, tempDir, upgradeStatus } from '../helpers.js';

const EMBED_JS = 'export function mountTandemEditor() { return { destroy() {} }; }\n';
const EMBED_HTML = '<!doctype html><title>embed</title>\n';

/** A server whose client directory is a temp dir holding a stand-in build of the embed files. */
async function start(env: Record<string, string>): Promise<{ server: TandemServer; base: string; ws: string; dirs: string[] }> {
  const dataDir = tempDir();
  const clientDir = tempDir('tandem-client-');
  mkdirSync(clientDir, { recursive: true });
  writeFileSync(join(clientDir, 'embed.js'), EMBED_JS);
  writeFileSync(join(clientDir, 'embed.html'), EMBED_HTML);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env }, repoRoot, clientDir);
  const server = await startServer(config, silentLogger());
  return { server, base: `http://127.0.0.1:${server.port}`, ws: `ws://127.0.0.1:${server.port}`, dirs: [dataDir, clientDir] };
}

describe('ALLOWED_ORIGINS unset: any origin', () => {
  let s: Awaited<ReturnType<typeof start>>;
  before(async () => (s = await start({})));
  after(async () => {
    await s.server.stop();
    s.dirs.forEach(cleanup);
  });

  test('a preflight for /api/* is answered 204 with the methods and headers an embedder uses', async () => {
    const res = await fetch(`${s.base}/api/access/doc`, {
      method: 'OPTIONS',
      headers: { origin: 'https://cms.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
  });

  test('GET /api/access from another origin carries Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${s.base}/api/access/doc`, { headers: { origin: 'https://cms.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), { mode: 'write' });
  });

  test('/embed.js: JavaScript, CORS, a cache policy for a stable URL, and 304 on revalidation', async () => {
    const res = await fetch(`${s.base}/embed.js`, { headers: { origin: 'https://cms.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const cache = res.headers.get('cache-control') ?? '';
    assert.match(cache, /max-age=\d+/);
    assert.doesNotMatch(cache, /immutable/, 'a stable URL must pick up new releases');
    const etag = res.headers.get('etag');
    assert.ok(etag);
    assert.equal(await res.text(), EMBED_JS);
    const again = await fetch(`${s.base}/embed.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  test('/embed/<name> serves the editor-only page, frameable; a bad name is 400', async () => {
    const res = await fetch(`${s.base}/embed/some%20doc?readonly=1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('x-frame-options'), null);
    assert.match(res.headers.get('content-security-policy') ?? '', /(^|; )frame-ancestors \*$/);
    assert.equal(await res.text(), EMBED_HTML);
    assert.equal((await fetch(`${s.base}/embed/%E0%A4%A`)).status, 400);
  });

  test('paths outside the policy get no CORS headers and OPTIONS there is still 405', async () => {
    const res = await fetch(`${s.base}/healthz`, { headers: { origin: 'https://cms.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal((await fetch(`${s.base}/metrics`, { method: 'OPTIONS' })).status, 405);
  });
});

describe('ALLOWED_ORIGINS set', () => {
  const allowed = 'https://cms.example';
  let s: Awaited<ReturnType<typeof start>>;
  before(async () => (s = await start({ ALLOWED_ORIGINS: `${allowed},http://localhost:5173` })));
  after(async () => {
    await s.server.stop();
    s.dirs.forEach(cleanup);
  });

  test('an allowed origin is echoed (with Vary: Origin) on /api, /files and /embed.js', async () => {
    for (const path of ['/api/access/doc', '/embed.js', '/files/doc/abc']) {
      const res = await fetch(s.base + path, { headers: { origin: allowed } });
      assert.equal(res.headers.get('access-control-allow-origin'), allowed, path);
      assert.match(res.headers.get('vary') ?? '', /Origin/, path);
    }
    const pre = await fetch(`${s.base}/api/docs/doc/shares`, { method: 'OPTIONS', headers: { origin: allowed, 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
  });

  test('another origin: preflight 403, state-changing request 403, GET without the CORS header', async () => {
    const evil = 'https://evil.example';
    const pre = await fetch(`${s.base}/api/access/doc`, { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${s.base}/api/docs/doc/shares`, { method, headers: { origin: evil, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 403, method);
      assert.equal((await res.json()).error, 'forbidden');
    }
    const get = await fetch(`${s.base}/embed.js`, { headers: { origin: evil } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('access-control-allow-origin'), null);
  });

  test('the WebSocket follows the same policy', async () => {
    assert.equal(await upgradeStatus(s.ws, '/doc', { origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(s.ws, '/doc', { origin: allowed }), 101);
  });

  test('the iframe page may only be framed by the allowed origins', async () => {
    const res = await fetch(`${s.base}/embed/doc`);
    assert.ok(res.headers.get('content-security-policy')?.endsWith(`; frame-ancestors 'self' ${allowed} http://localhost:5173`));
  });
});
