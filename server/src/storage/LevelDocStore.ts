import { mkdirSync } from 'node:fs';
import leveldown, { type BatchOp, type IteratorOptions, type LevelDown } from 'leveldown';
import { StorageError } from '../errors.js';
import type { DocStore, StoredDocument } from './DocStore.js';
import { GroupCommit } from './GroupCommit.js';
import { metaKey, seqOfUpdateKey, updateKey, updateRange } from './keys.js';

const FORMAT_VERSION = 1;

function wrap(what: string, err: unknown): StorageError {
  const msg = err instanceof Error ? err.message : String(err);
  const code = /corrupt/i.test(msg) ? 'STORE_CORRUPT' : 'STORE_IO';
  return new StorageError(`${what}: ${msg}`, code, { cause: err });
}

/** The document store on LevelDB (leveldown). One instance per process and directory. */
export class LevelDocStore implements DocStore {
  private readonly db: LevelDown;
  private readonly commits: GroupCommit<BatchOp>;
  private opened = false;

  constructor(
    private readonly location: string,
    private readonly options: { sync: boolean },
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
    const ops: BatchOp[] = [{ type: 'put', key: updateKey(name, seq), value: Buffer.from(update.buffer, update.byteOffset, update.byteLength) }];
    if (seq === 0) ops.push(this.metaOp(name, 0));
    return this.commits.push(...ops);
  }

  async compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array): Promise<void> {
    this.ensureOpen();
    const ops: BatchOp[] = [];
    for (let seq = firstSeq; seq < uptoSeq; seq++) ops.push({ type: 'del', key: updateKey(name, seq) });
    ops.push({ type: 'put', key: updateKey(name, uptoSeq), value: Buffer.from(merged) });
    ops.push(this.metaOp(name, uptoSeq));
    await this.commits.push(...ops);
    // Deleted updates and superseded snapshots stay in LevelDB's files until its own compaction
    // reaches them; ask for the document's range now so disk follows the document's size.
    const { gte, lt } = updateRange(name);
    await new Promise<void>((resolve, reject) =>
      this.db.compactRange(gte, lt, (err) => (err ? reject(wrap('range compaction failed', err)) : resolve())),
    );
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
    this.opened = false;
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(wrap('close failed', err)) : resolve())));
  }
}
