import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { SearchText } from '../storage/kinds/search.js';
import { startWorker } from '../workerThreads.js';
import type { Answer, Call, CallValue, Notice } from './indexCalls.js';
import type { Hit } from './SearchIndex.js';

const WORKER = new URL('./index.worker.js', import.meta.url);

/**
 * A heap of its own, bounded: an index that outgrows it ends that thread (and is restored from the
 * store in a new one, see `onLost`), not the server. Ten thousand documents of 1,000–8,000
 * characters hold 91 MB (bench/src/searchCost.mjs).
 */
const LIMITS = { maxOldGenerationSizeMb: 2048 };

/** Matches asked for per page of a search: enough for most callers in one page (see `search`). */
const FIRST_PAGE = 100;

type Ask = { [K in Call['op']]: Omit<Extract<Call, { op: K }>, 'id'> }[Call['op']];

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * The search index (SearchIndex) in a thread of its own (index.worker.ts), so that nothing it does
 * waits on the event loop's message path or holds it up: indexing a long document (9 ms for the
 * 105,000-character paper), a query over ten thousand documents (p99 21–28 ms) and storing the
 * whole index (0.7 s for ten thousand) each ran on the event loop before 2026-12-06, between
 * everyone's keystrokes. Calls are handled in the order they are made, so a search made after a
 * `remove` does not find the document.
 *
 * A thread that ends unasked (out of its heap, a bug) is replaced by an empty one, the calls in
 * flight fail, and `onLost` is told, to fill it again from the store.
 */
export class IndexThread {
  /** Started on the first call. */
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextSearch = 1;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly onLost: () => void,
  ) {}

  put(name: string, text: SearchText): void {
    this.tell({ op: 'put', name, text });
  }

  remove(name: string): void {
    this.tell({ op: 'remove', name });
  }

  /** Replaces the index by a stored one; resolves to how many documents it holds. Rejects when it is not one. */
  load(data: Uint8Array): Promise<number> {
    return this.ask({ op: 'load', data }) as Promise<CallValue['load']>;
  }

  clear(): Promise<void> {
    return this.ask({ op: 'clear' }) as Promise<void>;
  }

  /** The whole index, to be stored (`load` takes it back). */
  async serialize(): Promise<Buffer> {
    const bytes = (await this.ask({ op: 'serialize' })) as CallValue['serialize'];
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * The best `limit` documents for `query` (normalised) among those `mayRead` allows. The thread
   * ranks every match; they are read here a page at a time, best first, until `limit` pass the
   * filter (a caller who may read few documents still gets their best matches).
   */
  async search(query: string, limit: number, mayRead: (name: string) => boolean): Promise<Hit[]> {
    const search = this.nextSearch++;
    const found: Hit[] = [];
    try {
      let from = 0;
      let count = Math.max(FIRST_PAGE, 4 * limit);
      for (;;) {
        const page = (await this.ask({ op: 'page', search, query, from, count })) as CallValue['page'];
        for (const hit of page.hits) {
          if (!mayRead(hit.name)) continue;
          found.push(hit);
          if (found.length === limit) return found;
        }
        from += page.hits.length;
        if (from >= page.total || page.hits.length === 0) return found;
        count *= 4;
      }
    } finally {
      this.tell({ op: 'release', search });
    }
  }

  /** Ends the thread; calls still in flight fail. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.worker?.terminate();
    this.failPending(new Error('the search index is stopped'));
  }

  private tell(notice: Notice): void {
    if (!this.stopped) this.live().postMessage(notice);
  }

  private ask(call: Ask): Promise<unknown> {
    if (this.stopped) return Promise.reject(new Error('the search index is stopped'));
    const id = this.nextId++;
    const worker = this.live();
    // Held while an answer is awaited (a stop's last save of the index), let go when none is.
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...call, id });
    });
  }

  private live(): Worker {
    return (this.worker ??= this.start());
  }

  private start(): Worker {
    const worker = startWorker(WORKER, import.meta.url, { resourceLimits: LIMITS });
    worker.unref(); // the server does not stay up for its index (see `ask`)
    worker.on('message', (answer: Answer) => this.answered(answer));
    worker.on('error', (err) => this.logger.error({ err }, 'the search index thread failed'));
    worker.on('exit', (code) => {
      if (this.stopped || worker !== this.worker) return;
      this.logger.error({ code }, 'the search index thread ended: starting a new one, filled again from the store');
      this.failPending(new Error('the search index thread ended'));
      this.worker = undefined; // the next call starts a new one
      this.onLost();
    });
    return worker;
  }

  private answered(answer: Answer): void {
    if (answer.id === 0) {
      if ('error' in answer) this.logger.error({ err: answer.error }, 'search indexing failed');
      return;
    }
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('error' in answer) pending.reject(new Error(answer.error));
    else pending.resolve(answer.value);
  }

  private failPending(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
