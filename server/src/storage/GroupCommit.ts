/**
 * Collects write operations and commits them together: everything queued while the previous
 * batch was being written (or during the current tick) goes into the next single batch.
 * Batches are written one after another, so order across batches is preserved.
 */
export class GroupCommit<Op> {
  private queue: Op[] = [];
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(private readonly write: (ops: Op[]) => Promise<void>) {}

  /** Queues `ops` for the next batch; resolves when that batch is on disk. */
  push(...ops: Op[]): Promise<void> {
    for (const op of ops) this.queue.push(op);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything pushed so far has been written (or failed). */
  async drain(): Promise<void> {
    while (this.writing || this.queue.length > 0 || this.scheduled) {
      if (this.writing) await this.writing.catch(() => undefined);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate: every message that arrived in this I/O phase joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.commit();
    });
  }

  private commit(): void {
    if (this.queue.length === 0) return;
    const ops = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    this.writing = this.write(ops).then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
    void this.writing.finally(() => {
      this.writing = null;
      if (this.queue.length > 0) this.schedule();
    });
  }
}
