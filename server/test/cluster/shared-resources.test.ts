// Uploaded files and share links are answered identically by every instance (DESIGN.md, scale-out: everything
// shared is in Redis as well, each instance caching it in LevelDB). Root cause guarded: a file
// uploaded through one instance was a 404 on the others behind a round-robin load balancer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { closeCode, rawSocket, startTestServer, upgradeStatus } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

const GIF = Uint8Array.from([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b]);

const cluster = useRedisAndServers();

test('a file uploaded through instance A is served by instance B, also after A is gone', { timeout: 60_000 }, async () => {
  const a = await startTestServer({ REDIS_URL: cluster.redis.url });
  const b = await startTestServer({ REDIS_URL: cluster.redis.url });
  cluster.servers.push(a, b);
  const res = await fetch(`http://127.0.0.1:${a.port}/api/docs/shared%2Fdoc/files`, { method: 'POST', body: Buffer.from(GIF) });
  assert.equal(res.status, 201);
  const { path } = (await res.json()) as { path: string };
  await a.stop();
  const got = await fetch(`http://127.0.0.1:${b.port}${path}`);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/gif');
  assert.deepEqual([...new Uint8Array(await got.arrayBuffer())], [...GIF]);
  // Cached in B's LevelDB: served even with Redis gone.
  await cluster.redis.kill();
  const cached = await fetch(`http://127.0.0.1:${b.port}${path}`);
  assert.equal(cached.status, 200);
  await cluster.redis.restart();
});

test('a share link made on A works on B, and revoking it on A closes its session on B within seconds', { timeout: 60_000 }, async () => {
  const secret = 'cluster-shares-secret-0123456789abcdef';
  const env = { REDIS_URL: cluster.redis.url, AUTH_SECRET: secret };
  const a = await startTestServer(env);
  const b = await startTestServer(env);
  cluster.servers.push(a, b);
  const writer = await mintToken(secret, { doc: 'plan', mode: 'write' }, 600);
  const headers = { authorization: `Bearer ${writer}`, 'content-type': 'application/json' };
  const res = await fetch(`http://127.0.0.1:${a.port}/api/docs/plan/shares`, { method: 'POST', headers, body: '{"mode":"read"}' });
  assert.equal(res.status, 201);
  const link = (await res.json()) as { id: string; token: string };
  const listed = (await (await fetch(`http://127.0.0.1:${b.port}/api/docs/plan/shares`, { headers })).json()) as { shares: Array<{ id: string }> };
  assert.deepEqual(listed.shares.map((s) => s.id), [link.id]);
  const ws = await rawSocket(b.url, 'plan', {}, link.token);
  const closed = closeCode(ws);
  const started = Date.now();
  assert.equal((await fetch(`http://127.0.0.1:${a.port}/api/docs/plan/shares/${link.id}`, { method: 'DELETE', headers })).status, 204);
  assert.deepEqual(await closed, { code: 4401, reason: 'link revoked' });
  assert.ok(Date.now() - started < 5000, `closed after ${Date.now() - started} ms`);
  // Every surface of the other instance refuses it at once: the gate reads the record in Redis.
  assert.equal((await fetch(`http://127.0.0.1:${b.port}/api/docs/plan/export?format=md`, { headers: { authorization: `Bearer ${link.token}` } })).status, 401);
  assert.equal((await fetch(`http://127.0.0.1:${b.port}/api/docs`, { headers: { authorization: `Bearer ${link.token}` } })).status, 401);
  assert.equal(await upgradeStatus(b.url, `/plan?token=${encodeURIComponent(link.token)}`), 401);
  // With Redis away a link could not work on the other instances: none is made (503, said why).
  await cluster.redis.kill();
  const refused = await fetch(`http://127.0.0.1:${a.port}/api/docs/plan/shares`, { method: 'POST', headers, body: '{"mode":"read"}' });
  assert.equal(refused.status, 503);
  assert.match(((await refused.json()) as { reason: string }).reason, /Redis is unavailable/);
  await cluster.redis.restart();
});
