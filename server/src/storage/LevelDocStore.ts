import { mkdirSync } from 'node:fs';
import leveldown, { type BatchOp, type IteratorOptions, type LevelDown } from 'leveldown';
import { StorageError } from '../errors.js';
import type { DocStore, StoredDocument } from './DocStore.js';
import { GroupCommit } from './GroupCommit.js';
import { metaKey, seqOfUpdateKey, updateKeyFrom, updateRange } from './keys.js';

const FORMAT_VERSION = 1;

/**
 * A document's range is handed to LevelDB's own compaction once merging has left this much of
 * it superseded (and at least half the document's size): below that, LevelDB's background
 * compaction reclaims it in its own time, at no cost on the write path.
 */
const RANGE_COMPACT_MIN_GARBAGE = 256 * 1024;
/** At most one range compaction starts per this interval: each one flushes LevelDB's memtable. */
const RANGE_COMPACT_INTERVAL_MS = 1000;

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
  /** Documents whose superseded bytes are due for a range compaction, oldest first. */
  private readonly rangeDue = new Set<string>();
  private rangeTimer: NodeJS.Timeout | undefined;
  private rangeRunning: Promise<void> | undefined;
  private lastRangeAt = 0;
  /** Set by close(): no more range compactions get scheduled. */
  private closing = false;

  constructor(
    private readonly location: string,
    private readonly options: { sync: boolean; onBackgroundError?: (err: unknown) => void },
  ) {
    this.db = leveldown(location);
    this.commits = new GroupCommit((ops) => this.batch(ops));
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
    this.closing = false;
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

  async compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array): Promise<void> {
    this.ensureOpen();
    const info = this.infoOf(name);
    const ops: BatchOp[] = [];
    for (let seq = firstSeq; seq < uptoSeq; seq++) ops.push({ type: 'del', key: updateKeyFrom(info.prefix, seq) });
    ops.push({ type: 'put', key: updateKeyFrom(info.prefix, uptoSeq), value: Buffer.from(merged) });
    ops.push(this.metaOp(name, uptoSeq));
    await this.commits.push(...ops);
    // Deleted updates and superseded snapshots stay in LevelDB's files until its own compaction
    // reaches them. Once they weigh as much as half the document, ask for the document's range
    // (throttled: every range compaction also flushes the memtable, stalling writes behind it).
    info.garbage += info.live;
    info.live = merged.byteLength;
    if (info.garbage >= RANGE_COMPACT_MIN_GARBAGE && info.garbage >= info.live / 2) {
      info.garbage = 0;
      this.rangeDue.add(name);
      this.scheduleRangeCompaction();
    }
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

  private scheduleRangeCompaction(): void {
    if (this.rangeTimer || this.rangeRunning || this.rangeDue.size === 0 || !this.opened || this.closing) return;
    const wait = Math.max(0, this.lastRangeAt + RANGE_COMPACT_INTERVAL_MS - Date.now());
    this.rangeTimer = setTimeout(() => {
      this.rangeTimer = undefined;
      this.runRangeCompactions(1);
    }, wait);
    this.rangeTimer.unref();
  }

  /** Range-compacts up to `limit` due documents, oldest first, one after another. */
  private runRangeCompactions(limit: number): Promise<void> {
    const run = async (): Promise<void> => {
      for (let n = 0; n < limit && this.rangeDue.size > 0; n++) {
        const name = this.rangeDue.values().next().value as string;
        this.rangeDue.delete(name);
        this.lastRangeAt = Date.now();
        const { gte, lt } = updateRange(name);
        try {
          await new Promise<void>((resolve, reject) =>
            this.db.compactRange(gte, lt, (err) => (err ? reject(wrap('range compaction failed', err)) : resolve())),
          );
        } catch (err) {
          // The data is intact; only disk space waits for LevelDB's own compaction.
          this.options.onBackgroundError?.(err);
        }
      }
    };
    this.rangeRunning = run().finally(() => {
      this.rangeRunning = undefined;
      this.scheduleRangeCompaction();
    });
    return this.rangeRunning;
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
    // Superseded bytes still due go now, so that a stopped server leaves a compact directory.
    this.closing = true;
    clearTimeout(this.rangeTimer);
    this.rangeTimer = undefined;
    await this.rangeRunning;
    if (this.rangeDue.size > 0) await this.runRangeCompactions(this.rangeDue.size);
    this.opened = false;
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(wrap('close failed', err)) : resolve())));
  }
}
