// The KV contract: what every backend (LevelKV, MemoryKV) promises the kinds built on it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../../src/errors.js';
import type { KV, KVOp } from '../../src/storage/kv/KV.js';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { MemoryKV } from '../../src/storage/kv/MemoryKV.js';

const b = (...x: number[]): Buffer => Buffer.from(x);
const hex = (bufs: readonly Buffer[]): string[] => bufs.map((x) => x.toString('hex'));
const put = (key: Buffer, value: Buffer): KVOp => ({ type: 'put', key, value });

const backends: Array<[string, () => { kv: KV; reopen?: () => KV; done: () => void }]> = [
  [
    'LevelKV',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-kv-'));
      return { kv: new LevelKV(dir, { sync: false }), reopen: () => new LevelKV(dir, { sync: false }), done: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  ['MemoryKV', () => ({ kv: new MemoryKV(), done: () => undefined })],
];

for (const [label, make] of backends) {
  describe(`KV contract: ${label}`, () => {
    test('ranges come back in byte order, bounded, limited and reversed; keys, values and entries agree', async () => {
      const { kv, done } = make();
      await kv.open();
      await kv.write(put(b(1, 2), b(12)), put(b(1), b(1)), put(b(1, 0), b(10)), put(b(2), b(2)), put(b(0, 0xff), b(0)), put(b(1, 2, 3), b(123)));
      const range = { gte: b(1), lt: b(2) };
      assert.deepEqual(hex(await kv.keys(range)), ['01', '0100', '0102', '010203']);
      assert.deepEqual(hex(await kv.values(range)), ['01', '0a', '0c', '7b']);
      assert.deepEqual((await kv.entries(range)).map(([k, v]) => [k.toString('hex'), v.toString('hex')]), [['01', '01'], ['0100', '0a'], ['0102', '0c'], ['010203', '7b']]);
      assert.deepEqual(hex(await kv.keys({ ...range, limit: 2 })), ['01', '0100']);
      assert.deepEqual(hex(await kv.keys({ ...range, limit: 1, reverse: true })), ['010203']);
      assert.deepEqual(hex(await kv.keys({ gte: b(3), lt: b(4) })), []);
      assert.deepEqual(await kv.get(b(1, 0)), b(10));
      assert.equal(await kv.get(b(9)), undefined);
      await kv.close();
      done();
    });

    test('one tick of writes is one atomic batch, applied in order: a later put or del wins', async () => {
      const { kv, done } = make();
      await kv.open();
      const writes = [kv.write(put(b(5), b(1))), kv.write({ type: 'del', key: b(5) }, put(b(6), b(1))), kv.write(put(b(6), b(2)))];
      assert.equal(writes[0], writes[2], 'writes of one tick share one batch (one promise)');
      await Promise.all(writes);
      assert.equal(await kv.get(b(5)), undefined);
      assert.deepEqual(await kv.get(b(6)), b(2));
      if (kv instanceof MemoryKV) assert.equal(kv.batches, 1);
      await kv.close();
      done();
    });

    test('a value written is a copy: changing the caller\'s buffer afterwards changes nothing', async () => {
      const { kv, done } = make();
      await kv.open();
      const value = b(1, 2, 3);
      await kv.write(put(b(7), value));
      value[0] = 9;
      assert.deepEqual(await kv.get(b(7)), b(1, 2, 3));
      await kv.close();
      done();
    });

    test('a snapshot lists every entry in key order, unchanged by writes made while it is read', async () => {
      const { kv, done } = make();
      await kv.open();
      await kv.write(put(b(3), b(3)), put(b(1), b(1)), put(b(2), b(2)));
      const seen: string[] = [];
      for await (const [k] of kv.snapshot()) {
        seen.push(k.toString('hex'));
        if (seen.length === 1) await kv.write(put(b(4), b(4)), { type: 'del', key: b(3) });
      }
      assert.deepEqual(seen, ['01', '02', '03']);
      await kv.close();
      done();
    });

    test('what was written survives close and reopen', async (t) => {
      const { kv, reopen, done } = make();
      if (!reopen) {
        t.diagnostic('in memory: nothing to reopen');
        return done();
      }
      await kv.open();
      void kv.write(put(b(8), b(8))); // not awaited: close writes what is queued
      await kv.close();
      const again = reopen();
      await again.open();
      assert.deepEqual(await again.get(b(8)), b(8));
      await again.close();
      done();
    });

    test('a closed store refuses with a StorageError, never an empty answer', async () => {
      const { kv, done } = make();
      await assert.rejects(async () => kv.keys({ gte: b(0), lt: b(1) }), (err: unknown) => err instanceof StorageError && err.code === 'STORE_NOT_OPEN');
      await assert.rejects(async () => kv.get(b(0)), StorageError);
      assert.throws(() => kv.write(put(b(0), b(0))), StorageError);
      done();
    });
  });
}
