import { mkdirSync } from 'node:fs';
import leveldown, { type BatchOp, type IteratorOptions, type LevelDown } from 'leveldown';
import { StorageError } from '../errors.js';
import type { DocStore, DocSummary, ShareRecord, StoredDocument, StoredFile, VersionMeta } from './DocStore.js';
import { GroupCommit } from './GroupCommit.js';
import { ALL_DOCS, clusterKey, docRange, fileKey, fileRange, fileTimeKey, fileTimeRange, shaOfKey, shareKey, shareRange, docsAfter, idOfKey, metaKey, nameOfKey, seqOfUpdateKey, summaryKey, updateKeyFrom, updateRange, versionBodyKey, versionKey, versionRange } from './keys.js';
import { decodeVersionMeta, encodeVersionMeta } from './versionCodec.js';
import { RangeCompactor } from './RangeCompactor.js';

const FORMAT_VERSION = 1;

function fileTimeOp(name: string, sha256: string, at: number): BatchOp {
  const value = Buffer.allocUnsafe(8);
  value.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(at))));
  return { type: 'put', key: fileTimeKey(name, sha256), value };
}

function wrap(what: string, err: unknown): StorageError {
  const msg = err instanceof Error ? err.message : String(err);
  const code = /corrupt/i.test(msg) ? 'STORE_CORRUPT' : 'STORE_IO';
  return new StorageError(`${what}: ${msg}`, code, { cause: err });
}

interface DocInfo {
  prefix: Buffer;
  live: number;
  garbage: number;
}

/** The document store on LevelDB (leveldown). One instance per process and directory. */
export class LevelDocStore implements DocStore {
  private readonly db: LevelDown;
  private readonly commits: GroupCommit<BatchOp>;
  private opened = false;
  /** Per open document: its update-key prefix, bytes in its range (loaded + appended) and bytes merging superseded. */
  private readonly docs = new Map<string, DocInfo>();
  private readonly ranges: RangeCompactor;

  constructor(
    private readonly location: string,
    private readonly options: { sync: boolean; onBackgroundError?: (err: unknown) => void },
  ) {
    this.db = leveldown(location);
    this.commits = new GroupCommit((ops) => this.batch(ops));
    this.ranges = new RangeCompactor(
      (gte, lt) =>
        new Promise<void>((resolve, reject) => this.db.compactRange(gte, lt, (err) => (err ? reject(wrap('range compaction failed', err)) : resolve()))),
      (err) => this.options.onBackgroundError?.(err),
    );
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    try {
      mkdirSync(this.location, { recursive: true });
    } catch (err) {
      throw wrap(`cannot create ${this.location}`, err);
    }
    await new Promise<void>((resolve, reject) =>
      this.db.open({ createIfMissing: true }, (err) => (err ? reject(wrap(`cannot open ${this.location}`, err)) : resolve())),
    );
    this.opened = true;
    this.ranges.start();
  }

  private ensureOpen(): void {
    if (!this.opened) throw new StorageError('the document store is not open', 'STORE_NOT_OPEN');
  }

  private batch(ops: BatchOp[]): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.db.batch(ops, { sync: this.options.sync }, (err) => (err ? reject(wrap('batch write failed', err)) : resolve())),
    );
  }

  async load(name: string): Promise<StoredDocument> {
    this.ensureOpen();
    const range = updateRange(name);
    // First and last key give the sequence numbers; the bulk scan then reads values only
    // (half the buffers: a 100,000-update document reads in about half the time).
    const first = await this.scan({ ...range, limit: 1, values: false }, 'key');
    if (first.length === 0) return { updates: [], firstSeq: 0, nextSeq: 0 };
    const last = await this.scan({ ...range, limit: 1, values: false, reverse: true }, 'key');
    const updates = await this.scan({ ...range, keys: false, highWaterMark: 4 << 20 }, 'value');
    this.infoOf(name).live = updates.reduce((n, u) => n + u.byteLength, 0);
    return { updates, firstSeq: seqOfUpdateKey(first[0]!), nextSeq: seqOfUpdateKey(last[0]!) + 1 };
  }

  /** Collects the keys or the values of one range scan. */
  private async scan(options: IteratorOptions, take: 'key' | 'value'): Promise<Buffer[]> {
    const it = this.db.iterator({ ...options, keyAsBuffer: true, valueAsBuffer: true });
    const out: Buffer[] = [];
    const pick = take === 'key' ? 0 : 1;
    try {
      await new Promise<void>((resolve, reject) => {
        const step = (err: Error | null | undefined, key?: Buffer, value?: Buffer): void => {
          if (err) return reject(wrap('cannot read the store', err));
          const item = take === 'key' ? key : value;
          if (item === undefined) return resolve();
          out.push(item);
          // leveldown fetches entries natively in chunks and hands them out one per tick
          // (as [..., value, key] popped from the end); take the rest of the chunk at once.
          // `cache` is leveldown's private field (no public batch read in 6.x): without it this
          // still works, one entry a tick. LevelDocStore.test.ts fails if the field goes away.
          const cache = (it as unknown as { cache?: Array<Buffer | undefined> | null }).cache;
          while (cache && cache.length >= 2) {
            const pair = [cache.pop(), cache.pop()];
            out.push(pair[pick]!);
          }
          it.next(step);
        };
        it.next(step);
      });
    } finally {
      await new Promise<void>((resolve) => it.end(() => resolve()));
    }
    return out;
  }

  append(name: string, seq: number, update: Uint8Array): Promise<void> {
    this.ensureOpen();
    const info = this.infoOf(name);
    info.live += update.byteLength;
    const put: BatchOp = { type: 'put', key: updateKeyFrom(info.prefix, seq), value: Buffer.from(update.buffer, update.byteOffset, update.byteLength) };
    return seq === 0 ? this.commits.push(put, this.metaOp(name, 0)) : this.commits.push(put);
  }

  async readClusterMark(name: string): Promise<string | undefined> {
    this.ensureOpen();
    return new Promise((resolve, reject) =>
      this.db.get(clusterKey(name), { asBuffer: true }, (err, value) => {
        if (err && /notfound/i.test(err.message)) return resolve(undefined);
        if (err) return reject(wrap('cannot read the store', err));
        resolve((value as Buffer).toString('utf8'));
      }),
    );
  }

  writeClusterMark(name: string, mark: string): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'put', key: clusterKey(name), value: Buffer.from(mark, 'utf8') });
  }

  putVersion(name: string, meta: VersionMeta, body: Uint8Array): Promise<void> {
    this.ensureOpen();
    return this.commits.push(
      { type: 'put', key: versionBodyKey(name, meta.id), value: Buffer.from(body) },
      { type: 'put', key: versionKey(name, meta.id), value: encodeVersionMeta(meta) },
    );
  }

  async listVersions(name: string): Promise<VersionMeta[]> {
    this.ensureOpen();
    const range = versionRange(name);
    const [keys, values] = await Promise.all([this.scan({ ...range, values: false }, 'key'), this.scan({ ...range, keys: false }, 'value')]);
    return keys.map((k, i) => decodeVersionMeta(idOfKey(k), values[i]!));
  }

  readVersion(name: string, id: number): Promise<Uint8Array | undefined> {
    return this.get(versionBodyKey(name, id));
  }

  deleteVersions(name: string, ids: readonly number[]): Promise<void> {
    this.ensureOpen();
    return this.commits.push(...ids.flatMap((id): BatchOp[] => [{ type: 'del', key: versionKey(name, id) }, { type: 'del', key: versionBodyKey(name, id) }]));
  }

  putFile(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'put', key: fileKey(name, sha256), value: Buffer.from(bytes) }, fileTimeOp(name, sha256, uploadedAt));
  }

  readFile(name: string, sha256: string): Promise<Uint8Array | undefined> {
    return this.get(fileKey(name, sha256));
  }

  async listFiles(name: string): Promise<StoredFile[]> {
    this.ensureOpen();
    // Times as key-value pairs from one iterator: two scans (keys, then values) could pair a
    // key with another key's value when a file is stored between them.
    const [files, times] = await Promise.all([this.scan({ ...fileRange(name), values: false }, 'key'), this.entries(fileTimeRange(name))]);
    const at = new Map(times.map(([k, v]) => [shaOfKey(k), Number(v.readBigUInt64BE(0))]));
    return files.map((k) => {
      const sha256 = shaOfKey(k);
      return { sha256, uploadedAt: at.get(sha256) };
    });
  }

  /** Keys with their values, one entry at a time (for small ranges). */
  private async entries(range: { gte: Buffer; lt: Buffer }): Promise<Array<[Buffer, Buffer]>> {
    const it = this.db.iterator({ ...range, keyAsBuffer: true, valueAsBuffer: true });
    const out: Array<[Buffer, Buffer]> = [];
    try {
      for (;;) {
        const entry = await new Promise<[Buffer, Buffer] | undefined>((resolve, reject) =>
          it.next((err, key, value) => (err ? reject(wrap('cannot read the store', err)) : resolve(key === undefined ? undefined : [key, value!]))),
        );
        if (!entry) return out;
        out.push(entry);
      }
    } finally {
      await new Promise<void>((resolve) => it.end(() => resolve()));
    }
  }

  setFileTimes(name: string, sha256s: readonly string[], uploadedAt: number): Promise<void> {
    this.ensureOpen();
    return this.commits.push(...sha256s.map((sha) => fileTimeOp(name, sha, uploadedAt)));
  }

  deleteFiles(name: string, sha256s: readonly string[]): Promise<void> {
    this.ensureOpen();
    return this.commits.push(...sha256s.flatMap((sha): BatchOp[] => [{ type: 'del', key: fileKey(name, sha) }, { type: 'del', key: fileTimeKey(name, sha) }]));
  }

  /** Skips from document to document, as `listDocuments` does, keeping those with a file key. */
  async listDocumentsWithFiles({ after, limit }: { after?: string | undefined; limit: number }): Promise<string[]> {
    this.ensureOpen();
    let gte = docsAfter(after);
    const names: string[] = [];
    while (names.length < limit) {
      const [key] = await this.scan({ gte, lt: ALL_DOCS.lt, limit: 1, values: false }, 'key');
      if (!key) break;
      const name = nameOfKey(key);
      if ((await this.scan({ ...fileRange(name), limit: 1, values: false }, 'key')).length > 0) names.push(name);
      gte = docsAfter(name);
    }
    return names;
  }

  putShare(name: string, share: ShareRecord): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'put', key: shareKey(name, share.id), value: Buffer.from(JSON.stringify(share)) });
  }

  async listShares(name: string): Promise<ShareRecord[]> {
    this.ensureOpen();
    const values = await this.scan({ ...shareRange(name), keys: false }, 'value');
    return values.map((v) => JSON.parse(v.toString('utf8')) as ShareRecord);
  }

  deleteShare(name: string, id: string): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'del', key: shareKey(name, id) });
  }

  writeSummary(name: string, summary: DocSummary): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'put', key: summaryKey(name), value: Buffer.from(JSON.stringify(summary)) });
  }

  async readSummary(name: string): Promise<DocSummary | undefined> {
    const raw = await this.get(summaryKey(name));
    return raw === undefined ? undefined : (JSON.parse(raw.toString('utf8')) as DocSummary);
  }

  /** Skips from document to document: one seek per name, whatever the number of keys under each. */
  async listDocuments({ after, prefix, limit }: { after?: string | undefined; prefix: string; limit: number }): Promise<string[]> {
    this.ensureOpen();
    const fromPrefix = Buffer.concat([ALL_DOCS.gte, Buffer.from(prefix, 'utf8')]);
    let gte = after !== undefined && Buffer.compare(docsAfter(after), fromPrefix) > 0 ? docsAfter(after) : fromPrefix;
    const names: string[] = [];
    while (names.length < limit) {
      const [key] = await this.scan({ gte, lt: ALL_DOCS.lt, limit: 1, values: false }, 'key');
      if (!key) break;
      const name = nameOfKey(key);
      if (!name.startsWith(prefix)) break;
      // Only documents with content: a cluster mark alone (a name opened and found empty) is none.
      if ((await this.scan({ ...updateRange(name), limit: 1, values: false }, 'key')).length > 0) names.push(name);
      gte = docsAfter(name);
    }
    return names;
  }

  async deleteDocument(name: string): Promise<void> {
    this.ensureOpen();
    await this.flush();
    const keys = await this.scan({ ...docRange(name), values: false }, 'key');
    await this.commits.push(...keys.map((key): BatchOp => ({ type: 'del', key })));
    this.docs.delete(name);
  }

  /**
   * Every key and value of the store as one consistent snapshot (a LevelDB iterator reads one),
   * in key order, for `backup` while the server runs.
   */
  async *snapshot(): AsyncGenerator<[Buffer, Buffer]> {
    this.ensureOpen();
    const it = this.db.iterator({ keyAsBuffer: true, valueAsBuffer: true, highWaterMark: 1 << 20 });
    try {
      for (;;) {
        const entry = await new Promise<[Buffer, Buffer] | undefined>((resolve, reject) =>
          it.next((err, key, value) => (err ? reject(wrap('cannot read the store', err)) : resolve(key === undefined ? undefined : [key, value!]))),
        );
        if (!entry) return;
        yield entry;
      }
    } finally {
      await new Promise<void>((resolve) => it.end(() => resolve()));
    }
  }

  /** Whether the store holds no key at all (restore-backup refuses a non-empty store). */
  async isEmpty(): Promise<boolean> {
    this.ensureOpen();
    return (await this.scan({ limit: 1, values: false }, 'key')).length === 0;
  }

  /** Writes raw entries (restore-backup) in batches; with `replace`, everything else goes first. */
  async putRaw(entries: AsyncIterable<[Buffer, Buffer]>, replace: boolean): Promise<number> {
    this.ensureOpen();
    if (replace) {
      const keys = await this.scan({ values: false }, 'key');
      for (let i = 0; i < keys.length; i += 10_000) await this.batch(keys.slice(i, i + 10_000).map((key) => ({ type: 'del', key })));
    }
    let ops: BatchOp[] = [];
    let n = 0;
    for await (const [key, value] of entries) {
      ops.push({ type: 'put', key, value });
      n++;
      if (ops.length >= 1000) {
        await this.batch(ops);
        ops = [];
      }
    }
    if (ops.length > 0) await this.batch(ops);
    return n;
  }

  private get(key: Buffer): Promise<Buffer | undefined> {
    this.ensureOpen();
    return new Promise((resolve, reject) =>
      this.db.get(key, { asBuffer: true }, (err, value) => {
        if (err && /notfound/i.test(err.message)) return resolve(undefined);
        if (err) return reject(wrap('cannot read the store', err));
        resolve(value as Buffer);
      }),
    );
  }

  async compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array): Promise<void> {
    this.ensureOpen();
    const info = this.infoOf(name);
    const ops: BatchOp[] = [];
    for (let seq = firstSeq; seq < uptoSeq; seq++) ops.push({ type: 'del', key: updateKeyFrom(info.prefix, seq) });
    ops.push({ type: 'put', key: updateKeyFrom(info.prefix, uptoSeq), value: Buffer.from(merged) });
    ops.push(this.metaOp(name, uptoSeq));
    await this.commits.push(...ops);
    info.garbage = this.ranges.noteMerged(name, info.garbage + info.live, merged.byteLength);
    info.live = merged.byteLength;
  }

  private infoOf(name: string): DocInfo {
    let info = this.docs.get(name);
    if (!info) this.docs.set(name, (info = { prefix: updateRange(name).gte, live: 0, garbage: 0 }));
    return info;
  }

  /** The document's room closed: its sizes are read again on its next load. */
  release(name: string): void {
    this.docs.delete(name);
  }

  private metaOp(name: string, baseSeq: number): BatchOp {
    const meta = { v: FORMAT_VERSION, baseSeq, at: new Date().toISOString() };
    return { type: 'put', key: metaKey(name), value: Buffer.from(JSON.stringify(meta)) };
  }

  flush(): Promise<void> {
    return this.commits.drain();
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    await this.flush();
    await this.ranges.close();
    this.opened = false;
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(wrap('close failed', err)) : resolve())));
  }
}
