// One contract suite, run against every DocStore implementation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocStore } from './DocStore.js';
import { LevelDocStore } from './LevelDocStore.js';
import { MemoryDocStore } from './MemoryDocStore.js';
import { StorageError } from '../errors.js';

const bytes = (...b: number[]) => new Uint8Array(b);

const stores: Array<[string, () => { store: DocStore; reopen?: () => DocStore; done: () => void }]> = [
  [
    'LevelDocStore',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
      return { store: new LevelDocStore(dir, { sync: false }), reopen: () => new LevelDocStore(dir, { sync: false }), done: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  ['MemoryDocStore', () => ({ store: new MemoryDocStore(), done: () => undefined })],
];

for (const [label, make] of stores) {
  describe(`DocStore contract: ${label}`, () => {
    test('an unknown document loads empty', async () => {
      const { store, done } = make();
      await store.open();
      assert.deepEqual(await store.load('nothing'), { updates: [], firstSeq: 0, nextSeq: 0 });
      await store.close();
      done();
    });

    test('appends come back in order, per document, names with / and unicode apart', async () => {
      const { store, done } = make();
      await store.open();
      const names = ['a', 'a/b', 'a/b/c', 'ä 文', 'ab'];
      await Promise.all(names.flatMap((n, i) => [0, 1, 2, 300].map((seq) => store.append(n, seq, bytes(i, seq & 0xff)))));
      for (const [i, n] of names.entries()) {
        const got = await store.load(n);
        assert.deepEqual(got.updates.map((u) => [...u]), [[i, 0], [i, 1], [i, 2], [i, 300 & 0xff]]);
        assert.equal(got.firstSeq, 0);
        assert.equal(got.nextSeq, 301);
      }
      await store.close();
      done();
    });

    test('compaction replaces a prefix atomically and keeps later appends', async () => {
      const { store, done } = make();
      await store.open();
      for (let s = 0; s < 10; s++) void store.append('d', s, bytes(s));
      const compacted = store.compact('d', 0, 5, bytes(99));
      const later = store.append('d', 10, bytes(10));
      await Promise.all([compacted, later]);
      const got = await store.load('d');
      assert.deepEqual(got.updates.map((u) => [...u]), [[99], [6], [7], [8], [9], [10]]);
      assert.equal(got.firstSeq, 5);
      assert.equal(got.nextSeq, 11);
      await store.close();
      done();
    });

    test('what was appended survives close and reopen', async (t) => {
      const { store, reopen, done } = make();
      if (!reopen) {
        t.diagnostic('in-memory store: nothing to reopen');
        done();
        return;
      }
      await store.open();
      await store.append('keep', 0, bytes(1, 2, 3));
      await store.close();
      const again = reopen();
      await again.open();
      assert.deepEqual((await again.load('keep')).updates.map((u) => [...u]), [[1, 2, 3]]);
      await again.close();
      done();
    });

    test('a cluster mark is kept per document, untouched by compaction and by a reopen', async () => {
      const { store, reopen, done } = make();
      await store.open();
      assert.equal(await store.readClusterMark('m/1'), undefined);
      await Promise.all([store.append('m/1', 0, bytes(1)), store.append('m/1', 1, bytes(2)), store.writeClusterMark('m/1', 'mark-a')]);
      await store.compact('m/1', 0, 1, bytes(9));
      assert.equal(await store.readClusterMark('m/1'), 'mark-a');
      assert.equal(await store.readClusterMark('m'), undefined);
      assert.deepEqual((await store.load('m/1')).updates.map((u) => [...u]), [[9]]);
      await store.close();
      if (reopen) {
        const again = reopen();
        await again.open();
        assert.equal(await again.readClusterMark('m/1'), 'mark-a');
        await again.close();
      }
      done();
    });

    test('versions: stored with metadata, listed oldest first, untouched by compaction, deleted one by one', async () => {
      const { store, reopen, done } = make();
      await store.open();
      const meta = (id: number, name: string | null = null) => ({ id, name, createdAt: id, authors: [{ name: 'Ada', verified: true }], hash: `h${id}` });
      await Promise.all([store.append('v/1', 0, bytes(1)), store.append('v/1', 1, bytes(2))]);
      await Promise.all([store.putVersion('v/1', meta(2_000), bytes(7, 7)), store.putVersion('v/1', meta(1_000, 'first'), bytes(6)), store.putVersion('v', meta(5), bytes(5))]);
      await store.compact('v/1', 0, 1, bytes(9));
      assert.deepEqual(await store.listVersions('v/1'), [meta(1_000, 'first'), meta(2_000)]);
      assert.deepEqual([...(await store.readVersion('v/1', 2_000))!], [7, 7]);
      assert.equal(await store.readVersion('v/1', 3_000), undefined);
      assert.deepEqual((await store.load('v/1')).updates.map((u) => [...u]), [[9]]);
      await store.deleteVersions('v/1', [1_000]);
      assert.deepEqual((await store.listVersions('v/1')).map((v) => v.id), [2_000]);
      assert.deepEqual((await store.listVersions('v')).map((v) => v.id), [5]);
      await store.close();
      if (reopen) {
        const again = reopen();
        await again.open();
        assert.deepEqual((await again.listVersions('v/1')).map((v) => v.id), [2_000]);
        await again.close();
      }
      done();
    });

    test('documents: listed in name order by prefix and cursor, summaries kept, deleted whole', async () => {
      const { store, done } = make();
      await store.open();
      const names = ['b', 'a/b', 'a', 'ab', 'a/b/c', 'é', 'c'];
      await Promise.all(names.map((n) => store.append(n, 0, bytes(1))));
      await store.putVersion('ab', { id: 1, name: null, createdAt: 1, authors: [], hash: '' }, bytes(1));
      await store.writeSummary('ab', { title: 'T', size: 3, updatedAt: 4 });
      await store.writeClusterMark('a/mark only', 'm'); // no content: not a document
      assert.deepEqual(await store.listDocuments({ prefix: '', limit: 100 }), ['a', 'a/b', 'a/b/c', 'ab', 'b', 'c', 'é']);
      assert.deepEqual(await store.listDocuments({ prefix: '', limit: 2, after: 'a/b' }), ['a/b/c', 'ab']);
      assert.deepEqual(await store.listDocuments({ prefix: 'a/', limit: 10 }), ['a/b', 'a/b/c']);
      assert.deepEqual(await store.listDocuments({ prefix: 'a', limit: 10, after: 'a/b/c' }), ['ab']);
      assert.deepEqual(await store.readSummary('ab'), { title: 'T', size: 3, updatedAt: 4 });
      await store.deleteDocument('ab');
      assert.deepEqual(await store.load('ab'), { updates: [], firstSeq: 0, nextSeq: 0 });
      assert.deepEqual(await store.listVersions('ab'), []);
      assert.equal(await store.readSummary('ab'), undefined);
      assert.deepEqual(await store.listDocuments({ prefix: 'a', limit: 10 }), ['a', 'a/b', 'a/b/c']);
      await store.close();
      done();
    });

    test('files: content-addressed per document, kept across a reopen, deleted with their document', async () => {
      const { store, reopen, done } = make();
      await store.open();
      const sha = 'ab'.repeat(32);
      await Promise.all([store.putFile('a/b', sha, bytes(1, 2, 3), 1000), store.append('a/b', 0, bytes(9))]);
      assert.deepEqual([...((await store.readFile('a/b', sha)) ?? [])], [1, 2, 3]);
      assert.equal(await store.readFile('a', sha), undefined, 'files belong to their document');
      assert.equal(await store.readFile('a/b', 'cd'.repeat(32)), undefined);
      assert.deepEqual((await store.load('a/b')).updates.map((u) => [...u]), [[9]], 'a file is not an update');
      let current = store;
      if (reopen) {
        await store.close();
        current = reopen();
        await current.open();
        assert.deepEqual([...((await current.readFile('a/b', sha)) ?? [])], [1, 2, 3]);
      }
      await current.deleteDocument('a/b');
      assert.equal(await current.readFile('a/b', sha), undefined);
      await current.close();
      done();
    });

    test('files: listed with their upload times without their bytes, renewed by a new upload, deleted by SHA', async () => {
      const { store, reopen, done } = make();
      await store.open();
      const [s1, s2, s3] = ['01'.repeat(32), 'ff'.repeat(32), '80'.repeat(32)];
      await Promise.all([
        store.putFile('a', s2, bytes(2), 2000),
        store.putFile('a', s1, bytes(1), 1_700_000_000_123),
        store.putFile('a/b', s3, bytes(3), 3000),
        store.putFile('c', s3, bytes(3), 3000),
      ]);
      assert.deepEqual(await store.listFiles('a'), [{ sha256: s1, uploadedAt: 1_700_000_000_123 }, { sha256: s2, uploadedAt: 2000 }]);
      assert.deepEqual(await store.listFiles('a/b'), [{ sha256: s3, uploadedAt: 3000 }], 'a document lists its own files only');
      assert.deepEqual(await store.listFiles('none'), []);
      await store.putFile('a', s2, bytes(2), 5000); // uploaded again
      await store.setFileTimes('a', [s1], 4000);
      assert.deepEqual(await store.listFiles('a'), [{ sha256: s1, uploadedAt: 4000 }, { sha256: s2, uploadedAt: 5000 }]);
      assert.deepEqual(await store.listDocumentsWithFiles({ limit: 10 }), ['a', 'a/b', 'c']);
      assert.deepEqual(await store.listDocumentsWithFiles({ after: 'a', limit: 1 }), ['a/b']);
      await store.deleteFiles('a', [s2]);
      assert.equal(await store.readFile('a', s2), undefined);
      assert.deepEqual([...((await store.readFile('a', s1)) ?? [])], [1]);
      assert.deepEqual(await store.listFiles('a'), [{ sha256: s1, uploadedAt: 4000 }]);
      await store.deleteFiles('c', [s3]);
      assert.deepEqual(await store.listDocumentsWithFiles({ limit: 10 }), ['a', 'a/b']);
      let current = store;
      if (reopen) {
        await store.close();
        current = reopen();
        await current.open();
        assert.deepEqual(await current.listFiles('a'), [{ sha256: s1, uploadedAt: 4000 }]);
      }
      await current.close();
      done();
    });

    test('share links: listed by id per document, deleted one by one and with their document', async () => {
      const { store, done } = make();
      await store.open();
      const r = (id: string) => ({ id, mode: 'read' as const, createdAt: 1, expiresAt: null, creator: null });
      await Promise.all([store.putShare('a', r('y')), store.putShare('a', r('x')), store.putShare('a/b', r('z'))]);
      assert.deepEqual((await store.listShares('a')).map((s) => s.id), ['x', 'y']);
      assert.deepEqual(await store.listShares('a/b'), [r('z')]);
      await store.deleteShare('a', 'x');
      assert.deepEqual((await store.listShares('a')).map((s) => s.id), ['y']);
      await store.deleteDocument('a');
      assert.deepEqual(await store.listShares('a'), []);
      await store.close();
      done();
    });

    test('a closed store refuses with a StorageError, never an empty answer', async () => {
      const { store, done } = make();
      await assert.rejects(async () => store.load('x'), (err: unknown) => err instanceof StorageError && err.code === 'STORE_NOT_OPEN');
      assert.throws(() => store.append('x', 0, bytes(1)), StorageError);
      done();
    });
  });
}

test('group commit: appends of one tick share one batch', async () => {
  const store = new MemoryDocStore();
  await store.open();
  await Promise.all(Array.from({ length: 100 }, (_, i) => store.append('g', i, bytes(i))));
  assert.equal(store.batches, 1);
  await store.close();
});
