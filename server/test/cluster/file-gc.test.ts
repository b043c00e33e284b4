// Unreferenced files with scale-out (files/FileCollector.ts, cluster/SharedFiles.ts): the
// collector deletes the Redis copy and the copies other instances cached, reads the document as
// the shared log has it (edits made through another instance count), and counts the grace period
// from the latest upload through any instance. Root cause guarded: deleting a file from one
// instance's LevelDB only, so that Redis, and every instance that had served it, kept it for good.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { insertJSON } from '../../src/history/yjsJson.js';
import { cleanup, connect, startTestServer, waitFor, type TestServer } from '../helpers.js';
import { startRedis, type RedisServer } from './support/redis.js';

const GRACE_MS = 60_000;
let clock = Date.UTC(2026, 10, 27, 9);
let redis: RedisServer;
let a: TestServer;
let b: TestServer;

before(async () => {
  redis = await startRedis();
  // No automatic version while the test runs: only the document refers to its files.
  const env = { REDIS_URL: redis.url, FILE_GC_GRACE_MS: String(GRACE_MS), FILE_GC_EVERY_MS: '3600000', VERSION_IDLE_MS: '3600000', VERSION_EVERY_MS: '3600000' };
  a = await startTestServer(env, undefined, {}, () => clock);
  b = await startTestServer(env, undefined, {}, () => clock);
});
after(async () => {
  for (const ts of [a, b]) {
    if (!ts) continue;
    await ts.stop();
    cleanup(ts.dataDir);
  }
  await redis?.stop();
});

const gif = (seed: number) => Uint8Array.from([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, seed, 0xff, 0xff, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b]);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const base = (ts: TestServer) => `http://127.0.0.1:${ts.port}`;

async function upload(ts: TestServer, name: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${base(ts)}/api/docs/${encodeURIComponent(name)}/files`, { method: 'POST', body: Buffer.from(bytes) });
  assert.equal(res.status, 201);
  return ((await res.json()) as { path: string }).path;
}
const status = async (ts: TestServer, path: string) => (await fetch(`${base(ts)}${path}`)).status;
const inRedis = async (name: string, bytes: Uint8Array) => [
  await redis.command('EXISTS', `tandem:{${name}}:file:${sha(bytes)}`),
  await redis.command('HEXISTS', `tandem:{${name}}:files`, sha(bytes)),
];

test('a file nothing refers to goes from Redis and from every instance; one shown through another instance, or uploaded again there, stays; all go with their document', { timeout: 60_000 }, async () => {
  const name = 'shared/gc';
  const [unused, shown, again] = [gif(1), gif(2), gif(3)];
  const unusedPath = await upload(a, name, unused);
  const shownPath = await upload(a, name, shown);
  const againPath = await upload(a, name, again);
  // B serves them too (from Redis), and keeps a copy of the first in its LevelDB.
  assert.equal(await status(b, unusedPath), 200);
  assert.deepEqual(await inRedis(name, unused), [1, 1]);
  // The image is put into the document through B, where A has the document closed.
  const editor = connect(b.url, name);
  try {
    await editor.synced;
    insertJSON(editor.doc.getXmlFragment('default'), 0, [{ type: 'image', attrs: { src: shownPath } }]);
    await waitFor(async () => (await fetch(`${base(b)}/api/docs/${encodeURIComponent(name)}/export?format=json`).then((r) => r.text())).includes(sha(shown)), { what: 'the image stored through B' });

    clock += GRACE_MS + 1;
    assert.equal(await upload(b, name, again), againPath); // uploaded again through B: the shared time renews
    await a.server.files.sweep();

    assert.deepEqual(await inRedis(name, unused), [0, 0], 'the Redis copy and its time are gone');
    assert.equal(await status(a, unusedPath), 404);
    await waitFor(async () => (await status(b, unusedPath)) === 404, { what: "B's cached copy dropped" });
    assert.equal(await status(a, shownPath), 200, 'shown in the document as the shared log has it');
    assert.equal(await status(b, shownPath), 200);
    assert.equal(await status(a, againPath), 200, 'uploaded again through B within the grace period');
    assert.deepEqual(await inRedis(name, again), [1, 1]);
  } finally {
    editor.destroy();
  }
  // Deleting the document deletes its files from Redis too.
  assert.equal((await fetch(`${base(a)}/api/docs/${encodeURIComponent(name)}`, { method: 'DELETE' })).status, 204);
  for (const bytes of [shown, again]) assert.deepEqual(await inRedis(name, bytes), [0, 0]);
  // B learns of the deletion from A's notice (pub/sub), then drops its cached copy.
  await waitFor(async () => (await status(b, againPath)) === 404, { what: "B's cached copy dropped with its document" });
});
