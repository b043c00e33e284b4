// Crash and signal behaviour of the production entry point (dist/main.js) as a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, connect, spawnServer, tempDir, waitFor } from '../helpers.js';

test('state survives SIGTERM and a restart; SIGTERM exits 0', async () => {
  const dataDir = tempDir();
  const s1 = await spawnServer({ DATA_DIR: dataDir });
  const a = connect(s1.url, 'term/doc');
  await a.synced;
  a.text.insert(0, 'kept across restarts');
  const b = connect(s1.url, 'term/doc');
  await waitFor(() => b.text.toString() === 'kept across restarts', { what: 'peer' });
  const closed = new Promise<number>((resolve) => a.provider.once('connection-close', (ev: { code: number } | null) => resolve(ev?.code ?? 0)));
  assert.equal(await s1.kill('SIGTERM'), 0);
  assert.equal(await closed, 1001);
  a.destroy();
  b.destroy();
  const s2 = await spawnServer({ DATA_DIR: dataDir });
  const c = connect(s2.url, 'term/doc');
  await c.synced;
  assert.equal(c.text.toString(), 'kept across restarts');
  c.destroy();
  assert.equal(await s2.kill('SIGTERM'), 0);
  cleanup(dataDir);
});

test('kill -9 while a writer streams ~1,000 updates/s loses nothing a peer had received', async () => {
  const dataDir = tempDir();
  // Rate limit raised: this writer is deliberately faster than a person.
  const env = { DATA_DIR: dataDir, RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' };
  const s1 = await spawnServer(env);
  const writer = connect(s1.url, 'crash');
  const reader = connect(s1.url, 'crash');
  await Promise.all([writer.synced, reader.synced]);
  const items = writer.doc.getArray<number>('items');
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 10; i++) items.push([n++]); // 10 updates per ms tick ≈ 1,000/s at the 10 ms timer floor
  }, 10);
  await waitFor(() => reader.doc.getArray('items').length > 1500, { timeoutMs: 20_000, what: 'stream under way' });
  assert.equal(await s1.kill('SIGKILL'), null);
  clearInterval(timer);
  const seen = reader.doc.getArray<number>('items').toArray();
  writer.provider.shouldConnect = false;
  reader.provider.shouldConnect = false;
  writer.destroy();
  reader.destroy();
  assert.ok(seen.length > 1500);

  const s2 = await spawnServer(env);
  const after = connect(s2.url, 'crash');
  await after.synced;
  const stored = new Set(after.doc.getArray<number>('items').toArray());
  const missing = seen.filter((v) => !stored.has(v));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${seen.length} received updates lost`);
  after.destroy();
  await s2.kill('SIGTERM');
  cleanup(dataDir);
});
