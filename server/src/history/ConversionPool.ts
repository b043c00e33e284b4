import type { ResourceLimits, Worker } from 'node:worker_threads';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { startWorker } from '../workerThreads.js';
import { ConversionError } from './conversion.js';
import type { Job, JobResult, JobValue } from './jobs.js';

/**
 * The pool cannot take or finish this conversion now (queue full, too slow, out of memory): a
 * 503, with `Retry-After` when waiting helps.
 */
export class ConversionUnavailableError extends UnavailableError {
  constructor(
    message: string,
    readonly retryAfterSec?: number | undefined,
  ) {
    super(message);
  }
}

export interface PoolLimits {
  /** A job running longer is stopped: its worker is terminated (and replaced on next use). */
  timeoutMs: number;
  /** Jobs waiting for a worker; past it a job is refused at once. */
  maxQueue: number;
}

/**
 * A worker's heap is bounded: a conversion that would take more memory ends that worker (its job
 * fails, 503) instead of the process. Generous for a 64 MiB document (MAX_DOCUMENT_BYTES) in
 * ProseMirror form, small beside what a machine running many documents has.
 */
const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1536, maxYoungGenerationSizeMb: 64 };

interface Pending {
  job: Job;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  id: number;
  /** Stops the job in hand when it runs past the limit. */
  timer: NodeJS.Timeout | undefined;
}

const WORKER = new URL('./convert.worker.js', import.meta.url);

/**
 * Runs conversions (export, import, restore, version digests) in worker threads, at most
 * `size` at once; the rest wait in order, at most `limits.maxQueue` of them. A large document's
 * export never holds up the message path, and ten exports at once cost `size` cores, not ten.
 * Workers start on first use and stay; one that dies or runs a job past `limits.timeoutMs` is
 * terminated and replaced, and the job it ran fails. Two lanes: requests, and the server's own
 * jobs (version digests, file collection, compaction) with `reserved` workers of their own, so
 * that a flood of requests never stops versions from being recorded.
 */
export class ConversionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private stopped = false;

  /** The server's own jobs (version digests, file collection, compaction): their own lane, never refused. */
  private readonly internal: Pending[] = [];

  constructor(
    private readonly size: number,
    private readonly logger: Logger,
    private readonly limits: PoolLimits = { timeoutMs: 0, maxQueue: Number.POSITIVE_INFINITY },
    /**
     * Workers only the server's own jobs may use: requests (export, import, restore) run on at
     * most `size - reserved`, so that requests that stall or flood never stop versions from being
     * recorded. The server's jobs use any idle worker too (no extra start-up while it is quiet).
     */
    private readonly reserved = 0,
  ) {}

  run<K extends Job['op']>(job: Extract<Job, { op: K }>): Promise<JobValue[K]> {
    if (this.stopped) return Promise.reject(new Error('the conversion pool is stopped'));
    const internal = isInternal(job);
    if (!internal && !this.requestCanStart() && this.queue.length >= this.limits.maxQueue) {
      this.logger.warn({ op: job.op, queued: this.queue.length, status: 503 }, 'conversion queue full (MAX_CONVERSION_QUEUE): refused');
      return Promise.reject(new ConversionUnavailableError('too many conversions are waiting; try again shortly', this.retryAfterSec()));
    }
    return new Promise<JobValue[K]>((resolve, reject) => {
      (internal ? this.internal : this.queue).push({ job, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Requests waiting, not yet running. */
  get waiting(): number {
    return this.queue.length;
  }

  private requestsRunning(): number {
    let n = 0;
    for (const s of this.slots) if (s.busy && !isInternal(s.busy.job)) n++;
    return n;
  }

  /** Whether a request would start now (a worker free or to be started, within the requests' share). */
  private requestCanStart(): boolean {
    return this.requestsRunning() < this.size - this.reserved && (this.slots.some((s) => !s.busy) || this.slots.length < this.size);
  }

  /** When a refused job may fairly try again: about when the jobs ahead of it will have run. */
  private retryAfterSec(): number {
    const perJobSec = this.limits.timeoutMs > 0 ? this.limits.timeoutMs / 1000 : 5;
    return Math.max(1, Math.min(120, Math.ceil((perJobSec * (this.queue.length + 1)) / Math.max(1, this.size) / 4)));
  }

  private pump(): void {
    for (;;) {
      const queue = this.internal.length > 0 ? this.internal : this.queue.length > 0 && this.requestsRunning() < this.size - this.reserved ? this.queue : undefined;
      if (!queue) return;
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = queue.shift()!;
      slot.busy = pending;
      slot.id = this.nextId++;
      slot.worker.postMessage({ id: slot.id, job: pending.job }, handedOver(pending.job));
    }
  }

  /**
   * A job past CONVERSION_TIMEOUT_MS: a worker cannot be interrupted inside a parser, so it is
   * terminated; the next job gets a fresh one.
   */
  private stopSlow(slot: Slot, pending: Pending): void {
    if (slot.busy !== pending) return;
    const started = performance.now();
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.busy = undefined;
    slot.timer = undefined;
    this.logger.warn({ op: pending.job.op, timeoutMs: this.limits.timeoutMs, status: 503 }, 'conversion past CONVERSION_TIMEOUT_MS: worker stopped and replaced');
    pending.reject(new ConversionUnavailableError(`the conversion took longer than ${this.limits.timeoutMs} ms (CONVERSION_TIMEOUT_MS) and was stopped`));
    void slot.worker.terminate().then(
      () => this.logger.debug({ ms: Math.round(performance.now() - started) }, 'slow conversion worker terminated'),
      () => undefined,
    );
    this.pump();
  }

  private spawn(): Slot {
    const worker = startWorker(WORKER, import.meta.url, { resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, busy: undefined, id: 0, timer: undefined };
    worker.unref();
    worker.on('message', (reply: JobResult) => {
      const pending = slot.busy;
      if (!pending || reply.id !== slot.id) return;
      if ('started' in reply) {
        // Counted from here: a fresh worker's start-up, and loading the libraries the job needs,
        // are not the job's time.
        if (this.limits.timeoutMs > 0) slot.timer = setTimeout(() => this.stopSlow(slot, pending), this.limits.timeoutMs);
        return;
      }
      slot.busy = undefined;
      clearTimeout(slot.timer);
      slot.timer = undefined;
      // A job's ConversionError crosses the thread as `bad`: the request's fault, with its status.
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(reply.bad ? new ConversionError(reply.message, reply.status) : new Error(reply.message));
      this.pump();
    });
    const fail = (err: Error & { code?: string }): void => {
      const at = this.slots.indexOf(slot);
      if (at < 0) return; // stopped for running too long: already answered
      this.slots.splice(at, 1);
      clearTimeout(slot.timer);
      if (this.stopped) return;
      this.logger.error({ err }, 'conversion worker died; replaced');
      const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      slot.busy?.reject(outOfMemory ? new ConversionUnavailableError('the conversion ran out of memory and was stopped') : err);
      slot.busy = undefined;
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(`conversion worker exited with ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const p of [...this.queue.splice(0), ...this.internal.splice(0)]) p.reject(new Error('the server is stopping'));
    const slots = this.slots.splice(0);
    for (const s of slots) clearTimeout(s.timer);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/**
 * The buffers a job hands over to the worker instead of having them copied: a compaction's
 * stored updates (read for it alone). A 20 MB document's snapshot cost the event loop ~0.1 s
 * to copy (most of it page faults). Only a buffer that is the whole of its memory: one that
 * shares it (Node's pool of small buffers) is copied.
 */
function handedOver(job: Job): ArrayBuffer[] {
  if (job.op !== 'merge') return [];
  const out = new Set<ArrayBuffer>();
  for (const u of job.updates) if (u.buffer instanceof ArrayBuffer && u.byteOffset === 0 && u.byteLength === u.buffer.byteLength) out.add(u.buffer);
  return [...out];
}

/** Jobs the server runs for itself, in their own lane. */
function isInternal(job: Job): boolean {
  return job.op === 'digest' || job.op === 'fileRefs' || job.op === 'merge';
}
