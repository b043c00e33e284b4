import type { KV, KVOp } from '../kv/KV.js';
import { metaKey, seqOfUpdateKey, updateKeyFrom, updateRange } from '../keys.js';

/** Every stored update of a document (what a room loads). */
export interface StoredDocument {
  /** Updates in sequence order; applying all of them rebuilds the document. */
  updates: Uint8Array[];
  /** Sequence number of the first stored update (0 when there is none). */
  firstSeq: number;
  /** The next free sequence number. */
  nextSeq: number;
}

/** What a room needs of storage: its updates, in order (rooms/). */
export interface UpdateStore {
  /** Every stored update of `name`, read in one range scan. Rejects with StorageError. */
  load(name: string): Promise<StoredDocument>;
  /**
   * Appends one update at `seq`. Appends of one tick are group-committed in one atomic batch;
   * the promise resolves once that batch is written (with the configured durability).
   */
  append(name: string, seq: number, update: Uint8Array): Promise<void>;
  /** The stored updates [firstSeq, uptoSeq] in order (what a compaction merges). Rejects with StorageError. */
  read(name: string, firstSeq: number, uptoSeq: number): Promise<Uint8Array[]>;
  /**
   * Replaces updates [firstSeq, uptoSeq] with `merged` stored at `uptoSeq`, in one atomic batch
   * ordered after every append made before the call; later appends are kept. `replacedBytes`:
   * the size of what it replaces (default: everything stored, as when nothing was appended since).
   */
  compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array, replacedBytes?: number): Promise<void>;
  /** The document's room unloaded (or the document was deleted): its bookkeeping may go until its next load. */
  release(name: string): void;
  /** Resolves once everything appended so far is written. */
  flush(): Promise<void>;
}

const FORMAT_VERSION = 1;

/**
 * A document's range is given back to the disk (KV.reclaim) once merging has left this much of
 * it superseded (and at least half the document's size): below that, LevelDB's background
 * compaction reclaims it in its own time, at no cost on the write path.
 */
const RECLAIM_MIN_GARBAGE = 256 * 1024;

interface DocInfo {
  prefix: Buffer;
  /** Bytes in the document's range (loaded + appended). */
  live: number;
  /** Bytes merging superseded and not yet reclaimed. */
  garbage: number;
}

/** Kind 'u' (and its 'm' metadata): a document's updates by sequence number. */
export class UpdateLog implements UpdateStore {
  private readonly docs = new Map<string, DocInfo>();

  constructor(private readonly kv: KV) {}

  async load(name: string): Promise<StoredDocument> {
    const range = updateRange(name);
    // First and last key give the sequence numbers; the bulk read then takes values only
    // (half the buffers: a 100,000-update document reads in about half the time).
    const first = await this.kv.keys({ ...range, limit: 1 });
    if (first.length === 0) return { updates: [], firstSeq: 0, nextSeq: 0 };
    const last = await this.kv.keys({ ...range, limit: 1, reverse: true });
    const updates = await this.kv.values(range);
    this.infoOf(name).live = updates.reduce((n, u) => n + u.byteLength, 0);
    return { updates, firstSeq: seqOfUpdateKey(first[0]!), nextSeq: seqOfUpdateKey(last[0]!) + 1 };
  }

  read(name: string, firstSeq: number, uptoSeq: number): Promise<Uint8Array[]> {
    const { prefix } = this.infoOf(name);
    return this.kv.values({ gte: updateKeyFrom(prefix, firstSeq), lt: updateKeyFrom(prefix, uptoSeq + 1) });
  }

  append(name: string, seq: number, update: Uint8Array): Promise<void> {
    const info = this.infoOf(name);
    info.live += update.byteLength;
    const put: KVOp = { type: 'put', key: updateKeyFrom(info.prefix, seq), value: Buffer.from(update.buffer, update.byteOffset, update.byteLength) };
    return seq === 0 ? this.kv.write(put, metaOp(name, 0)) : this.kv.write(put);
  }

  async compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array, replacedBytes?: number): Promise<void> {
    const info = this.infoOf(name);
    const ops: KVOp[] = [];
    for (let seq = firstSeq; seq < uptoSeq; seq++) ops.push({ type: 'del', key: updateKeyFrom(info.prefix, seq) });
    ops.push({ type: 'put', key: updateKeyFrom(info.prefix, uptoSeq), value: Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength) });
    ops.push(metaOp(name, uptoSeq));
    await this.kv.writeAll(ops);
    // What it replaced is superseded now; appends since (made while a merge ran) are still live.
    const replaced = Math.min(replacedBytes ?? info.live, info.live);
    info.garbage += replaced;
    info.live += merged.byteLength - replaced;
    if (info.garbage >= RECLAIM_MIN_GARBAGE && info.garbage >= info.live / 2) {
      this.kv.reclaim(updateRange(name));
      info.garbage = 0;
    }
  }

  private infoOf(name: string): DocInfo {
    let info = this.docs.get(name);
    if (!info) this.docs.set(name, (info = { prefix: updateRange(name).gte, live: 0, garbage: 0 }));
    return info;
  }

  release(name: string): void {
    this.docs.delete(name);
  }

  flush(): Promise<void> {
    return this.kv.flush();
  }
}

function metaOp(name: string, baseSeq: number): KVOp {
  const meta = { v: FORMAT_VERSION, baseSeq, at: new Date().toISOString() };
  return { type: 'put', key: metaKey(name), value: Buffer.from(JSON.stringify(meta)) };
}
