// Loading, unloading and compaction of rooms against a real LevelDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { UnavailableError } from '../../src/errors.js';
import { CONVERSION_NICE } from '../../src/history/jobs.js';
import { MERGE_IN_THREAD_BYTES } from '../../src/rooms/StoredLog.js';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { UpdateLog } from '../../src/storage/kinds/updates.js';
import { cleanup, connect, editorText, roomText, startTestServer, tempDir, waitFor } from '../helpers.js';
import { assertOneThreadLowered, niceByThread } from '../threads.js';

test('50 concurrent joins of a cold document of 100,000 stored updates load it once, each first sync whole', async () => {
  const dataDir = tempDir();
  const kv = new LevelKV(dataDir, { sync: false });
  await kv.open();
  const store = new UpdateLog(kv);
  const src = new Y.Doc();
  const writes: Promise<void>[] = [];
  let seq = 0;
  src.on('update', (u: Uint8Array) => writes.push(store.append('cold', seq++, u)));
  const text = editorText(src);
  for (let i = 0; i < 100_000; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  await Promise.all(writes);
  await kv.close();
  assert.equal(seq, 100_000);
  const expected = text.toString();

  const ts = await startTestServer({}, dataDir);
  const clients = Array.from({ length: 50 }, () => connect(ts.url, 'cold'));
  const firstSync = await Promise.all(
    clients.map((c) => new Promise<string>((resolve) => c.provider.once('sync', () => resolve(c.text.toString())))),
  );
  for (const got of firstSync) assert.equal(got.length, expected.length);
  assert.ok(firstSync.every((t) => t === expected));
  assert.equal(await ts.metric('tandem_document_loads_total'), 1);
  clients.forEach((c) => c.destroy());
  await ts.stop();
  cleanup(dataDir);
});

test('a join while the document unloads gets the whole document and keeps its own edits', async () => {
  const ts0 = await startTestServer({ UNLOAD_GRACE_MS: '0', RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' });
  let expected = '';
  for (let round = 0; round < 8; round++) {
    const a = connect(ts0.url, 'unload');
    await a.synced;
    for (let i = 0; i < 300; i++) a.text.insert(a.text.length, 'x');
    expected = a.text.toString();
    a.destroy(); // the close follows the updates on the wire
    await new Promise((r) => setTimeout(r, round % 4)); // land in different phases of the unload
    const b = connect(ts0.url, 'unload');
    await b.synced;
    await waitFor(() => b.text.length === expected.length, { timeoutMs: 5000, what: `round ${round}: b holds everything` });
    b.text.insert(b.text.length, 'y');
    expected += 'y';
    await waitFor(() => roomText(ts0, 'unload')?.length === expected.length, { what: 'server has b\'s edit' });
    b.destroy();
    await waitFor(async () => (await ts0.metric('tandem_documents_loaded')) === 0, { what: 'unload' });
  }
  assert.ok((await ts0.metric('tandem_document_loads_total')) >= 8, 'the document was really unloaded and loaded again');
  const ts = await ts0.restart();
  const c = connect(ts.url, 'unload');
  await c.synced;
  assert.equal(c.text.toString(), expected);
  c.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});

for (const large of [false, true]) {
  // A large document is merged in the conversion pool's thread (StoredLog), a small one in place.
  test(`compaction keeps content identical, also with writes arriving during it${large ? ': a large document, merged in the pool\'s thread' : ''}`, async () => {
    const env = { COMPACT_AFTER_UPDATES: '50', RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' };
    let ts = await startTestServer(env);
    await ts.server.search.search('started', 1, () => true); // answered: search's own thread (at the same nice) is up
    const threads = niceByThread();
    const a = connect(ts.url, 'compact');
    const b = connect(ts.url, 'compact');
    await Promise.all([a.synced, b.synced]);
    if (large) a.text.insert(0, 'large '.repeat(Math.ceil(MERGE_IN_THREAD_BYTES / 6)));
    for (let i = 0; i < 1000; i++) {
      (i % 2 ? a : b).text.insert(i % 7, String(i % 10));
      const other = (i % 2 ? b : a).text;
      if (i % 3 === 0 && other.length > 0) other.delete(0, 1);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => a.text.toString() === b.text.toString() && roomText(ts, 'compact') === a.text.toString(), { what: 'convergence' });
    const expected = a.text.toString();
    const room = ts.server.registry.get('compact')!;
    await room.idle(); // a compaction may still be running; it re-checks the backlog when done
    assert.ok(room.storedUpdates < 200, `stored updates were compacted (${room.storedUpdates} left)`);
    if (large) assertOneThreadLowered(threads, CONVERSION_NICE); // the pool's thread, started for the merges
    a.destroy();
    b.destroy();
    ts = await ts.restart();
    const c = connect(ts.url, 'compact');
    await c.synced;
    assert.equal(c.text.toString(), expected);
    c.destroy();
    await ts.stop();
    cleanup(ts.dataDir);
  });
}

test('a document asked for once the rooms are closing is refused (503), not loaded into a server that will never close it', async () => {
  const ts = await startTestServer();
  const closing = ts.server.registry.closeAll();
  await assert.rejects(ts.server.registry.acquire('late'), (err: Error) => err instanceof UnavailableError && /stopping/.test(err.message));
  await closing;
  assert.equal(ts.server.registry.has('late'), false);
  await ts.stop();
  cleanup(ts.dataDir);
});
