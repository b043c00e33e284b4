import type { Logger } from '../logger.js';
import type { UpdateStore } from '../storage/kinds/updates.js';

/**
 * What a room knows of its stored document: the sequence numbers (first stored, next free,
 * last applied), the stored size that MAX_DOCUMENT_BYTES bounds (the snapshot plus the updates
 * appended since, tracked without re-encoding), and the merging of the stored updates into one
 * snapshot past COMPACT_AFTER_UPDATES.
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

  constructor(
    private readonly name: string,
    private readonly store: UpdateStore,
    private readonly logger: Logger,
    stored: { firstSeq: number; nextSeq: number; updates: readonly Uint8Array[] },
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
   * Past `threshold` applied updates, replaces them in the store with `encode()` (the document as
   * one update); writes that arrive meanwhile are kept. Resolves with whether it was written
   * (failures are logged, never thrown), or is undefined when not due.
   */
  compact(threshold: number, encode: () => Uint8Array): Promise<boolean> | undefined {
    if (this.compacting || this.appliedSeq - this.firstSeq + 1 <= threshold) return undefined;
    const upto = this.appliedSeq;
    const first = this.firstSeq;
    const merged = encode();
    const replaced = this.appliedBytes;
    this.compacting = true;
    return this.store.compact(this.name, first, upto, merged).then(
      () => {
        this.firstSeq = upto;
        this.storedBytes += merged.byteLength - replaced;
        this.appliedBytes += merged.byteLength - replaced;
        this.compacting = false;
        this.logger.debug({ doc: this.name, merged: upto - first + 1, bytes: merged.length }, 'compacted');
        return true;
      },
      (err: unknown) => {
        this.compacting = false;
        this.logger.error({ doc: this.name, err }, 'compaction failed; updates kept as they were');
        return false;
      },
    );
  }
}
