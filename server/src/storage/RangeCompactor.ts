import { updateRange } from './keys.js';

/**
 * A document's range is handed to LevelDB's own compaction once merging has left this much of
 * it superseded (and at least half the document's size): below that, LevelDB's background
 * compaction reclaims it in its own time, at no cost on the write path.
 */
const RANGE_COMPACT_MIN_GARBAGE = 256 * 1024;
/** At most one range compaction starts per this interval: each one flushes LevelDB's memtable. */
const RANGE_COMPACT_INTERVAL_MS = 1000;

/** What the scheduler needs of the database: LevelDB's compactRange over a key range. */
export type CompactRange = (gte: Buffer, lt: Buffer) => Promise<void>;

/**
 * Decides when a document's key range is worth LevelDB's range compaction, and runs those one
 * at a time, throttled. Deleted updates and superseded snapshots stay in LevelDB's files until
 * its own compaction reaches them; once they weigh as much as half the document, the range is
 * compacted explicitly (each run also flushes the memtable, stalling writes behind it).
 */
export class RangeCompactor {
  /** Documents whose superseded bytes are due, oldest first. */
  private readonly due = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastAt = 0;
  private closing = false;

  constructor(
    private readonly compactRange: CompactRange,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * A merge superseded `garbage` bytes of a document now `live` bytes large; returns the
   * garbage still to be counted (0 once the document was queued).
   */
  noteMerged(name: string, garbage: number, live: number): number {
    if (garbage < RANGE_COMPACT_MIN_GARBAGE || garbage < live / 2) return garbage;
    this.due.add(name);
    this.schedule();
    return 0;
  }

  private schedule(): void {
    if (this.timer || this.running || this.due.size === 0 || this.closing) return;
    const wait = Math.max(0, this.lastAt + RANGE_COMPACT_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run(1);
    }, wait);
    this.timer.unref();
  }

  /** Range-compacts up to `limit` due documents, oldest first, one after another. */
  private run(limit: number): Promise<void> {
    const work = async (): Promise<void> => {
      for (let n = 0; n < limit && this.due.size > 0; n++) {
        const name = this.due.values().next().value as string;
        this.due.delete(name);
        this.lastAt = Date.now();
        const { gte, lt } = updateRange(name);
        try {
          await this.compactRange(gte, lt);
        } catch (err) {
          // The data is intact; only disk space waits for LevelDB's own compaction.
          this.onError(err);
        }
      }
    };
    this.running = work().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  /** The store opened (again). */
  start(): void {
    this.closing = false;
  }

  /** No more scheduling; what is still due runs now, so a stopped server leaves a compact directory. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.due.size > 0) await this.run(this.due.size);
  }
}
