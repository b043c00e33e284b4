import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { Job, JobResult, JobValue } from './jobs.js';

/** A conversion the request got wrong (bad Markdown, not a Yjs update): answered with 400. */
export class BadContentError extends Error {
  override name = 'BadContentError';
}

interface Pending {
  job: Job;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  id: number;
}

// Built, the worker is JavaScript. Under tsx (tests) it is TypeScript, and a worker does not
// get tsx's loader from the main thread's --import: it registers it itself first.
const TYPESCRIPT = import.meta.url.endsWith('.ts');
const WORKER = new URL(TYPESCRIPT ? './convert.worker.ts' : './convert.worker.js', import.meta.url);

function startWorker(): Worker {
  if (!TYPESCRIPT) return new Worker(WORKER);
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER.href)}); })`, { eval: true });
}

/**
 * Runs conversions (export, import, restore, version digests) in worker threads, at most
 * `size` at once; the rest wait in order. A large document's export never holds up the
 * message path, and ten exports at once cost `size` cores, not ten. Workers start on first
 * use and stay; one that dies is replaced, and the job it ran fails.
 */
export class ConversionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private stopped = false;

  constructor(
    private readonly size: number,
    private readonly logger: Logger,
  ) {}

  run<K extends Job['op']>(job: Extract<Job, { op: K }>): Promise<JobValue[K]> {
    if (this.stopped) return Promise.reject(new Error('the conversion pool is stopped'));
    return new Promise<JobValue[K]>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.id = this.nextId++;
      slot.worker.postMessage({ id: slot.id, job: pending.job });
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, busy: undefined, id: 0 };
    worker.unref();
    worker.on('message', (reply: JobResult) => {
      const pending = slot.busy;
      if (!pending || reply.id !== slot.id) return;
      slot.busy = undefined;
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(reply.bad ? new BadContentError(reply.message) : new Error(reply.message));
      this.pump();
    });
    const fail = (err: Error): void => {
      this.slots.splice(this.slots.indexOf(slot), 1);
      if (this.stopped) return;
      this.logger.error({ err }, 'conversion worker died; replaced');
      slot.busy?.reject(err);
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
    for (const p of this.queue.splice(0)) p.reject(new Error('the server is stopping'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
