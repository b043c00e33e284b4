import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metaKey, seqOfUpdateKey, updateKey, updateRange } from './keys.js';

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
