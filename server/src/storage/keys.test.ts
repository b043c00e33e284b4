import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorKey, authorshipRange, deleterKey, docRange, metaKey, readAuthorshipKey, seqOfUpdateKey, updateKey, updateRange } from './keys.js';

test('update keys sort by sequence number', () => {
  const seqs = [0, 1, 2, 255, 256, 65535, 65536, 2 ** 32, 2 ** 40 + 3];
  const keys = seqs.map((s) => updateKey('doc', s));
  const sorted = [...keys].sort(Buffer.compare);
  assert.deepEqual(sorted, keys);
  assert.deepEqual(keys.map(seqOfUpdateKey), seqs);
});

test('a document range holds its own keys and no other document\'s', () => {
  const names = ['a', 'a/b', 'a b', 'ab', 'a\u00ff', 'b', 'a/', 'é'];
  for (const name of names) {
    const { gte, lt } = updateRange(name);
    for (const other of names) {
      for (const seq of [0, 1, 2 ** 33]) {
        const k = updateKey(other, seq);
        const inside = Buffer.compare(k, gte) >= 0 && Buffer.compare(k, lt) < 0;
        assert.equal(inside, other === name, `${other}@${seq} vs range of ${name}`);
      }
      const m = metaKey(other);
      assert.ok(!(Buffer.compare(m, gte) >= 0 && Buffer.compare(m, lt) < 0), `meta of ${other} in range of ${name}`);
    }
  }
});

test('key layout is d 00 name 00 u 00 seq', () => {
  assert.deepEqual([...updateKey('x/y', 1)], [0x64, 0, 0x78, 0x2f, 0x79, 0, 0x75, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...metaKey('x')], [0x64, 0, 0x78, 0, 0x6d]);
});

test('versions, bodies and summaries sort apart from updates, per document, ids in order', async () => {
  const { versionKey, versionBodyKey, versionRange, summaryKey, docRange, nameOfKey, idOfKey, docsAfter } = await import('./keys.js');
  const ids = [0, 1, 1_700_000_000_000, 1_800_000_000_000];
  const keys = ids.map((id) => versionKey('a/b', id));
  assert.deepEqual([...keys].sort(Buffer.compare), keys);
  assert.deepEqual(keys.map(idOfKey), ids);
  const { gte, lt } = versionRange('a/b');
  const inside = (k: Buffer, r: { gte: Buffer; lt: Buffer }) => Buffer.compare(k, r.gte) >= 0 && Buffer.compare(k, r.lt) < 0;
  for (const k of keys) assert.ok(inside(k, { gte, lt }));
  for (const other of [versionBodyKey('a/b', 5), updateKey('a/b', 5), summaryKey('a/b'), versionKey('a', 5), versionKey('a/b/c', 5)]) {
    assert.ok(!inside(other, { gte, lt }));
  }
  // Every kind of key of a document lies in its document range, and no other document's.
  for (const k of [versionBodyKey('a/b', 5), updateKey('a/b', 5), summaryKey('a/b'), metaKey('a/b'), ...keys]) {
    assert.ok(inside(k, docRange('a/b')));
    assert.ok(!inside(k, docRange('a')));
    assert.equal(nameOfKey(k), 'a/b');
  }
  assert.ok(Buffer.compare(docsAfter('a'), updateKey('a/b', 0)) <= 0, 'the next document after a is a/b');
  assert.ok(Buffer.compare(docsAfter('a'), updateKey('a', 2 ** 40)) > 0);
  assert.deepEqual([...versionKey('x', 1)], [0x64, 0, 0x78, 0, 0x76, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test('file and file-time keys: per document, apart from each other and from updates, the SHA read back', async () => {
  const { fileKey, fileTimeKey, fileRange, fileTimeRange, shaOfKey } = await import('./keys.js');
  const inside = (k: Buffer, r: { gte: Buffer; lt: Buffer }) => Buffer.compare(k, r.gte) >= 0 && Buffer.compare(k, r.lt) < 0;
  const sha = '0f'.repeat(32);
  for (const name of ['a', 'a/b', 'ab']) {
    for (const other of ['a', 'a/b', 'ab']) {
      assert.equal(inside(fileKey(other, sha), fileRange(name)), other === name);
      assert.equal(inside(fileTimeKey(other, sha), fileTimeRange(name)), other === name);
      assert.ok(!inside(fileTimeKey(other, sha), fileRange(name)));
      assert.ok(!inside(updateKey(other, 0), fileRange(name)));
    }
  }
  assert.equal(shaOfKey(fileKey('a/b', sha)), sha);
  assert.equal(shaOfKey(fileTimeKey('a/b', sha)), sha);
  assert.throws(() => fileTimeKey('a', 'F'.repeat(64)), RangeError);
});

test('sign-in kinds: people under the document (deleted with it), sessions, logins and lists outside every document', async () => {
  const { peopleKey, sessionKey, loginKey, mineKey, mineRange, nameOfMineKey, docRange, ALL_DOCS } = await import('./keys.js');
  const inside = (k: Buffer, r: { gte: Buffer; lt: Buffer }) => Buffer.compare(k, r.gte) >= 0 && Buffer.compare(k, r.lt) < 0;
  assert.ok(inside(peopleKey('a/b'), docRange('a/b')));
  assert.ok(!inside(peopleKey('a/b'), docRange('a')));
  for (const k of [sessionKey('s'), loginKey('x'), mineKey('p@e.com', 'a')]) assert.ok(!inside(k, ALL_DOCS));
  const r = mineRange('p@e.com');
  assert.ok(inside(mineKey('p@e.com', 'a/b'), r));
  assert.ok(!inside(mineKey('p@e.com.au', 'a'), r), 'one person\'s list never holds another\'s');
  assert.equal(nameOfMineKey(mineKey('p@e.com', 'a/b c')), 'a/b c');
});

test('authorship keys: d 00 name 00 i 00 client (and clock), inside the document, read back by length', () => {
  assert.deepEqual([...authorKey('x', 258)], [0x64, 0, 0x78, 0, 0x69, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  const range = authorshipRange('x');
  const keys = [authorKey('x', 1), deleterKey('x', 1, 0), deleterKey('x', 1, 2 ** 40), authorKey('x', 2 ** 32 - 1), deleterKey('x', 2 ** 32 - 1, 5)];
  assert.deepEqual([...keys].sort(Buffer.compare), keys);
  for (const k of keys) {
    assert.ok(Buffer.compare(k, range.gte) >= 0 && Buffer.compare(k, range.lt) < 0);
    assert.ok(Buffer.compare(k, docRange('x').gte) >= 0 && Buffer.compare(k, docRange('x').lt) < 0);
  }
  assert.deepEqual(keys.map((k) => readAuthorshipKey(k, range.gte.length)), [{ client: 1 }, { client: 1, clock: 0 }, { client: 1, clock: 2 ** 40 }, { client: 2 ** 32 - 1 }, { client: 2 ** 32 - 1, clock: 5 }]);
  assert.ok(Buffer.compare(authorKey('x/y', 1), range.lt) >= 0 || Buffer.compare(authorKey('x/y', 1), range.gte) < 0);
});

test('search kinds: the indexed text under its document (deleted with it), the index and pending marks outside every document', async () => {
  const { searchTextKey, searchIndexKey, searchPendingKey, searchPendingRange, nameOfPendingKey, docRange, updateRange, fileTimeRange, ALL_DOCS, mineKey } = await import('./keys.js');
  const inside = (k: Buffer, r: { gte: Buffer; lt: Buffer }) => Buffer.compare(k, r.gte) >= 0 && Buffer.compare(k, r.lt) < 0;
  assert.ok(inside(searchTextKey('a/b'), docRange('a/b')));
  assert.ok(!inside(searchTextKey('a/b'), docRange('a')));
  assert.ok(!inside(searchTextKey('a'), updateRange('a')) && !inside(searchTextKey('a'), fileTimeRange('a')));
  assert.ok(!inside(searchTextKey('a'), authorshipRange('a')), 'search text and authorship are two kinds');
  for (const k of [searchIndexKey(), searchPendingKey('a')]) assert.ok(!inside(k, ALL_DOCS));
  const pending = searchPendingRange();
  assert.ok(inside(searchPendingKey('a/b c'), pending) && inside(searchPendingKey(''), pending));
  assert.ok(!inside(searchIndexKey(), pending) && !inside(mineKey('p@e.com', 'a'), pending));
  assert.equal(nameOfPendingKey(searchPendingKey('a/b c')), 'a/b c');
});
