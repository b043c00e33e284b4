/**
 * The one thing every kind of stored data is written through: ordered binary keys and values,
 * with group-committed atomic batches. Backends: LevelKV (the product, leveldown) and MemoryKV
 * (tests), under one contract suite (KV.contract.test.ts). The kinds of data on top of it
 * (storage/kinds/) each own a range of keys (storage/keys.ts is the one place that knows the
 * layout); a batch may mix kinds, so deleting a document removes every kind in one write.
 */

/** [gte, lt), in byte order; `reverse` walks it from the end; at most `limit` entries. */
export interface KeyRange {
  gte: Buffer;
  lt: Buffer;
  limit?: number;
  reverse?: boolean;
}

export type KVOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export interface KV {
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Writes what is queued, then closes. Idempotent. */
  close(): Promise<void>;
  /** One value, or undefined. Rejects with StorageError. */
  get(key: Buffer): Promise<Buffer | undefined>;
  /** The keys of a range, in order (reads no value). */
  keys(range: KeyRange): Promise<Buffer[]>;
  /** The values of a range, in key order (reads no key). */
  values(range: KeyRange): Promise<Buffer[]>;
  /** Keys with their values, from one consistent read. */
  entries(range: KeyRange): Promise<Array<[Buffer, Buffer]>>;
  /**
   * Queues `ops` for the next batch: everything queued in one tick (or while the previous batch
   * is written) is written as one atomic batch, in queue order, after every earlier batch.
   * Resolves once that batch is written with the configured durability.
   */
  write(...ops: KVOp[]): Promise<void>;
  /**
   * The same for a list of any length: a call's arguments are bounded (V8 overflows its stack
   * past ~100,000), and a batch's ops are not (a document's keys when it is deleted, the
   * authorship of a large change).
   */
  writeAll(ops: readonly KVOp[]): Promise<void>;
  /** Resolves once everything queued so far is written. */
  flush(): Promise<void>;
  /** Every entry of the store as one consistent snapshot, in key order (backup while running). */
  snapshot(): AsyncGenerator<[Buffer, Buffer]>;
  /**
   * Deleted or overwritten entries in `range` are worth giving back to the disk now (LevelDB's
   * range compaction, throttled, in the background). Nothing to do in memory.
   */
  reclaim(range: { gte: Buffer; lt: Buffer }): void;
}

