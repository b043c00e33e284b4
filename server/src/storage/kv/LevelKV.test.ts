// What only the LevelDB backend does: give disk space back after merging (the update log asks
// for it), read ranges in chunks, and take raw entries (restore-backup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateLog } from '../kinds/updates.js';
import { Files } from '../kinds/files.js';
import { fileKey } from '../keys.js';
import { LevelKV } from './LevelKV.js';

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

test('a large document merged again and again leaves a directory about its own size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-level-'));
  try {
    const kv = new LevelKV(dir, { sync: false });
    await kv.open();
    const store = new UpdateLog(kv);
    // A growing document: 100 KB of appends, then a merged snapshot, eight times over (random
    // bytes, so that LevelDB's compression cannot hide what stays on disk).
    let seq = 0;
    let first = 0;
    let snapshot = Buffer.alloc(0);
    for (let round = 0; round < 8; round++) {
      const appends = Array.from({ length: 100 }, () => randomBytes(1024));
      await Promise.all(appends.map((u) => store.append('big', seq++, u)));
      snapshot = Buffer.concat([snapshot, ...appends]);
      await store.compact('big', first, seq - 1, snapshot);
      first = seq - 1;
    }
    await kv.close();
    // 8 snapshots of 0.1–0.8 MB plus the appends were written (about 4.4 MB); one is live.
    const bytes = dirBytes(dir);
    assert.ok(bytes <= 1.5 * snapshot.length + 64 * 1024, `directory holds ${bytes} bytes for an ${snapshot.length}-byte document`);

    const reopened = new LevelKV(dir, { sync: false });
    await reopened.open();
    const stored = await new UpdateLog(reopened).load('big');
    assert.equal(stored.updates.length, 1);
    assert.ok(Buffer.from(stored.updates[0]!).equals(snapshot));
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('updates appended while a merge ran stay counted as live: the next merge still gives their space back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-level-'));
  try {
    const kv = new LevelKV(dir, { sync: false });
    await kv.open();
    const store = new UpdateLog(kv);
    const append = async (count: number, from: number) => {
      const appends = Array.from({ length: count }, () => randomBytes(1024));
      await Promise.all(appends.map((u, i) => store.append('big', from + i, u)));
      return appends;
    };
    const bytesOf = (us: Buffer[]) => us.reduce((n, u) => n + u.length, 0);
    // A merge as usual first (LevelDB then has files where the next ones land).
    const start = await append(300, 0);
    const base = Buffer.concat(start);
    await store.compact('big', 0, 299, base, bytesOf(start));
    // 100 updates are merged (in a thread, say); 900 more arrive before that merge is stored.
    const a = await append(100, 300);
    const b = await append(900, 400);
    const first = Buffer.concat([base, ...a]);
    await store.compact('big', 299, 399, first, base.length + bytesOf(a));
    await new Promise((r) => setTimeout(r, 1500)); // the space it asked back is given (RangeCompactor: at most one a second)
    // The next merge replaces the first snapshot and the 900.
    const second = Buffer.concat([first, ...b]);
    await store.compact('big', 399, 1299, second, first.length + bytesOf(b));
    await kv.close();
    // Before 2026-12-06 the 900 were forgotten once the first merge was stored, so the second
    // one looked too small to give space back (E: 15 MB stayed for a 5 MB document, not 10).
    const bytes = dirBytes(dir);
    assert.ok(bytes <= 1.5 * second.length + 64 * 1024, `directory holds ${bytes} bytes for a ${second.length}-byte document`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Guards a dependency's private field: LevelKV.scan drains leveldown's iterator `cache`
// (the natively fetched chunk) instead of one entry per tick. If a leveldown release renames it,
// loads silently get ~2× slower; this test says so first.
test("leveldown's iterator keeps the rest of a natively fetched chunk in `cache`", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-level-'));
  const { default: leveldown } = await import('leveldown');
  const db = leveldown(dir);
  try {
    await new Promise<void>((resolve, reject) => db.open({ createIfMissing: true }, (err) => (err ? reject(err) : resolve())));
    const ops = Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: Buffer.from([i]), value: Buffer.from([i]) }));
    await new Promise<void>((resolve, reject) => db.batch(ops, {}, (err: Error | null | undefined) => (err ? reject(err) : resolve())));
    const it = db.iterator({ keyAsBuffer: true, valueAsBuffer: true });
    // leveldown's first native fetch holds one entry; the second fetches a whole chunk.
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve, reject) => it.next((err) => (err ? reject(err) : resolve())));
    const cache = (it as unknown as { cache?: unknown }).cache;
    assert.ok(Array.isArray(cache) && cache.length >= 2, 'the iterator holds the rest of its chunk in `cache`');
    await new Promise<void>((resolve) => it.end(() => resolve()));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file stored before upload times were kept is listed without a time, and gets one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-level-'));
  try {
    const kv = new LevelKV(dir, { sync: false });
    await kv.open();
    const store = new Files(kv);
    const sha = 'ab'.repeat(32);
    // What the store held before: the file key and its bytes, no time key.
    await kv.putRaw((async function* () {
      yield [fileKey('d', sha), Buffer.from([1, 2, 3])] as [Buffer, Buffer];
    })(), false);
    assert.deepEqual(await store.listFiles('d'), [{ sha256: sha, uploadedAt: undefined }]);
    await store.setFileTimes('d', [sha], 42);
    assert.deepEqual(await store.listFiles('d'), [{ sha256: sha, uploadedAt: 42 }]);
    assert.deepEqual([...((await store.readFile('d', sha)) ?? [])], [1, 2, 3]);
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
