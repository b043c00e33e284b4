/**
 * Collects write operations and commits them together: everything queued while the previous
 * batch was being written (or during the current tick) goes into the next single batch.
 * Batches are written one after another, so order across batches is preserved. Every push
 * into one batch gets the same promise: a busy document costs one promise per batch.
 */
export class GroupCommit<Op> {
  private queue: Op[] = [];
  private next: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | null = null;
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(private readonly write: (ops: Op[]) => Promise<void>) {}

  /** Queues `ops` for the next batch; resolves when that batch is on disk. */
  push(ops: readonly Op[]): Promise<void> {
    for (const op of ops) this.queue.push(op);
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    this.schedule();
    return this.next.promise;
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
    const batch = this.next;
    if (this.queue.length === 0 || !batch) return;
    const ops = this.queue;
    this.queue = [];
    this.next = null;
    this.writing = this.write(ops).then(batch.resolve, batch.reject);
    void this.writing.finally(() => {
      this.writing = null;
      if (this.queue.length > 0) this.schedule();
    });
  }
}
