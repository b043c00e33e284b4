/** At most one range compaction starts per this interval: each one flushes LevelDB's memtable. */
const RANGE_COMPACT_INTERVAL_MS = 1000;

/** What the scheduler needs of the database: LevelDB's compactRange over a key range. */
export type CompactRange = (gte: Buffer, lt: Buffer) => Promise<void>;

/**
 * Runs LevelDB's range compaction over the ranges asked for (LevelKV.reclaim), one at a time,
 * throttled. Deleted and overwritten entries stay in LevelDB's files until its own compaction
 * reaches them; a kind that knows it left much of a range superseded (storage/kinds/updates.ts)
 * asks for it explicitly (each run also flushes the memtable, stalling writes behind it).
 */
export class RangeCompactor {
  /** Ranges due, oldest first, by their start key (hex). */
  private readonly waiting = new Map<string, { gte: Buffer; lt: Buffer }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastAt = 0;
  private closing = false;

  constructor(
    private readonly compactRange: CompactRange,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queues `range` (once, however often asked before it runs). */
  due(range: { gte: Buffer; lt: Buffer }): void {
    this.waiting.set(range.gte.toString('hex'), range);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running || this.waiting.size === 0 || this.closing) return;
    const wait = Math.max(0, this.lastAt + RANGE_COMPACT_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run(1);
    }, wait);
    this.timer.unref();
  }

  /** Range-compacts up to `limit` due ranges, oldest first, one after another. */
  private run(limit: number): Promise<void> {
    const work = async (): Promise<void> => {
      for (let n = 0; n < limit && this.waiting.size > 0; n++) {
        const [key, { gte, lt }] = this.waiting.entries().next().value as [string, { gte: Buffer; lt: Buffer }];
        this.waiting.delete(key);
        this.lastAt = Date.now();
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
    if (this.waiting.size > 0) await this.run(this.waiting.size);
  }
}
