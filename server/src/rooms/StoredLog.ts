import type { Logger } from '../logger.js';
import type { UpdateStore } from '../storage/kinds/updates.js';

/**
 * A stored document this large is merged in the conversion pool's thread; a smaller one is
 * encoded on the event loop, where it costs less than the trip (a few ms below 1 MB: encoding
 * took 16 ms a MB for long runs of text, 25–35 ms for the editing trace's many short ones), and
 * a server whose documents are all small starts no thread for it (~5 MB of memory).
 */
export const MERGE_IN_THREAD_BYTES = 1 << 20;

/**
 * What a room knows of its stored document: the sequence numbers (first stored, next free,
 * last applied), the stored size that MAX_DOCUMENT_BYTES bounds (the snapshot plus the updates
 * appended since, tracked without re-encoding), and the merging of the stored updates into one
 * snapshot past COMPACT_AFTER_UPDATES (in the conversion pool's thread when the room has one).
 */
export class StoredLog {
  private firstSeq: number;
  private nextSeq: number;
  /** Highest sequence number whose update is in the document. */
  private appliedSeq: number;
  /** Stored size, and the part of it that is applied (what a compaction replaces). */
  private storedBytes: number;
  private appliedBytes: number;
  private compacting = false;
  /** After a failed compaction, the next waits until this sequence number is applied. */
  private retryAt = 0;
  /** The last compaction's merge failed (the thread ran past its time or memory): the next encodes here. */
  private mergeFailed = false;

  constructor(
    private readonly name: string,
    private readonly store: UpdateStore,
    private readonly logger: Logger,
    stored: { firstSeq: number; nextSeq: number; updates: readonly Uint8Array[] },
    /** Stored updates as one snapshot, off the event loop (RoomDeps.mergeUpdates). */
    private readonly merge?: ((updates: Uint8Array[]) => Promise<Uint8Array>) | undefined,
  ) {
    this.firstSeq = stored.firstSeq;
    this.nextSeq = stored.nextSeq;
    this.appliedSeq = stored.nextSeq - 1;
    this.storedBytes = this.appliedBytes = stored.updates.reduce((n, u) => n + u.byteLength, 0);
  }

  /** Updates stored since the last snapshot (the snapshot included). */
  get count(): number {
    return this.nextSeq - this.firstSeq;
  }

  get bytes(): number {
    return this.storedBytes;
  }

  /** Whether `bytes` more would take the stored document past `max`. */
  wouldExceed(bytes: number, max: number): boolean {
    return this.storedBytes + bytes > max;
  }

  /** Appends an update of `bytes` to the store; resolves when its group-committed batch is written. */
  append(update: Uint8Array): { seq: number; written: Promise<void> } {
    const seq = this.nextSeq++;
    this.storedBytes += update.byteLength;
    return { seq, written: this.store.append(this.name, seq, update) };
  }

  /** A batch up to `lastSeq` (of `bytes`) is in the document. */
  applied(lastSeq: number, bytes: number): void {
    this.appliedSeq = lastSeq;
    this.appliedBytes += bytes;
  }

  /** A batch of `bytes` was not written. */
  failed(bytes: number): void {
    this.storedBytes -= bytes;
  }

  /**
   * Past `threshold` applied updates, replaces them in the store with one snapshot; writes that
   * arrive meanwhile are kept. With `merge` (the conversion pool's thread) the snapshot of a
   * document past MERGE_IN_THREAD_BYTES is made from the stored updates there: encoding the
   * document here took the event loop 0.3–0.7 s for a 20 MB one, every COMPACT_AFTER_UPDATES
   * updates (bench/src/bigTyping.mjs). Otherwise `encode()` gives the document as one update
   * (a small one, or a room built alone, in tests), as it does the next time after a merge
   * failed (a document too large for the thread's time or memory still gets compacted).
   * Resolves with whether it was written (failures are logged, never thrown: the updates stay
   * as they were, and the next try waits for `threshold` more), or is undefined when not due.
   */
  compact(threshold: number, encode: () => Uint8Array): Promise<boolean> | undefined {
    if (this.compacting || this.appliedSeq - this.firstSeq + 1 <= threshold || this.appliedSeq < this.retryAt) return undefined;
    const upto = this.appliedSeq;
    const first = this.firstSeq;
    const replaced = this.appliedBytes;
    this.compacting = true;
    const merge = this.merge && !this.mergeFailed && this.storedBytes >= MERGE_IN_THREAD_BYTES ? this.merge : undefined;
    this.mergeFailed = false;
    // (an encoding that throws rejects, as a failed merge does: the log is not left compacting)
    const snapshot = merge ? this.store.read(this.name, first, upto).then(merge) : new Promise<Uint8Array>((resolve) => resolve(encode()));
    return snapshot.then((merged) => this.store.compact(this.name, first, upto, merged, replaced).then(() => merged)).then(
      (merged) => {
        this.firstSeq = upto;
        this.storedBytes += merged.byteLength - replaced;
        this.appliedBytes += merged.byteLength - replaced;
        this.compacting = false;
        this.logger.debug({ doc: this.name, merged: upto - first + 1, bytes: merged.length }, 'compacted');
        return true;
      },
      (err: unknown) => {
        this.compacting = false;
        this.retryAt = upto + threshold;
        this.mergeFailed = merge !== undefined;
        this.logger.error({ doc: this.name, err }, 'compaction failed; updates kept as they were');
        return false;
      },
    );
  }
}
