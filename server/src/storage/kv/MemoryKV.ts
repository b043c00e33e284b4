import { StorageError } from '../../errors.js';
import { GroupCommit } from '../GroupCommit.js';
import type { KeyRange, KV, KVOp } from './KV.js';

const hex = (key: Buffer): string => key.toString('hex');

/**
 * The key-value store in memory, with the same group-committed batches as LevelKV: for tests of
 * the code above storage. Keys are kept sorted (hex of the bytes sorts as the bytes do).
 */
export class MemoryKV implements KV {
  private readonly data = new Map<string, Buffer>();
  /** Sorted hex keys; rebuilt lazily after a batch added keys. */
  private sorted: string[] | undefined = [];
  private readonly commits = new GroupCommit<KVOp>(async (ops) => this.apply(ops));
  private opened = false;
  /** Number of batches written, so tests can observe group commit. */
  batches = 0;

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    await this.flush();
    this.opened = false;
  }

  private ensureOpen(): void {
    if (!this.opened) throw new StorageError('the document store is not open', 'STORE_NOT_OPEN');
  }

  private apply(ops: KVOp[]): void {
    this.batches++;
    for (const op of ops) {
      const key = hex(op.key);
      if (op.type === 'del') {
        if (this.data.delete(key)) this.sorted = undefined;
      } else {
        if (!this.data.has(key)) this.sorted = undefined;
        this.data.set(key, Buffer.from(op.value)); // a copy: the caller may reuse its buffer
      }
    }
  }

  write(...ops: KVOp[]): Promise<void> {
    return this.writeAll(ops);
  }

  writeAll(ops: readonly KVOp[]): Promise<void> {
    this.ensureOpen();
    return this.commits.push(ops);
  }

  flush(): Promise<void> {
    return this.commits.drain();
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    this.ensureOpen();
    const value = this.data.get(hex(key));
    return value && Buffer.from(value);
  }

  async entries(range: KeyRange): Promise<Array<[Buffer, Buffer]>> {
    this.ensureOpen();
    this.sorted ??= [...this.data.keys()].sort();
    const keys = this.sorted;
    const from = hex(range.gte);
    const to = hex(range.lt);
    let i = lowerBound(keys, from);
    const picked: string[] = [];
    for (; i < keys.length && keys[i]! < to; i++) picked.push(keys[i]!);
    if (range.reverse) picked.reverse();
    const limited = range.limit === undefined ? picked : picked.slice(0, range.limit);
    return limited.map((k) => [Buffer.from(k, 'hex'), Buffer.from(this.data.get(k)!)]);
  }

  async keys(range: KeyRange): Promise<Buffer[]> {
    return (await this.entries(range)).map(([k]) => k);
  }

  async values(range: KeyRange): Promise<Buffer[]> {
    return (await this.entries(range)).map(([, v]) => v);
  }

  async *snapshot(): AsyncGenerator<[Buffer, Buffer]> {
    this.ensureOpen();
    const all = [...this.data.keys()].sort().map((k): [Buffer, Buffer] => [Buffer.from(k, 'hex'), Buffer.from(this.data.get(k)!)]);
    yield* all;
  }

  reclaim(): void {
    // memory is given back as entries are deleted
  }
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
