// Worker threads as the server starts them: the conversion pool's (history/ConversionPool.ts) and
// the search index's (search/IndexThread.ts).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker whose module is `built` (a `.js` URL beside the caller's built file). Built,
 * the worker is JavaScript. Under tsx (tests) the caller is TypeScript, and a worker does not get
 * tsx's loader from the main thread's --import: it registers it itself first, then loads the
 * `.ts` file of the same name.
 */
export function startWorker(built: URL, callerUrl: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(built, options);
  const source = new URL(built.href.replace(/\.js$/, '.ts'));
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`, { ...options, eval: true });
}

/**
 * Gives the calling thread the nice value `nice` (on Linux a thread has its own), so that a
 * worker's work yields the CPU to the event loop's message path where the server has one core (or
 * is pinned to one); where cores are free, nothing changes. Elsewhere (no /proc/thread-self) the
 * thread keeps the process's priority.
 */
export function lowerThisThreadsPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid)) setPriority(tid, nice);
  } catch {
    // not Linux: the worker runs at the process's priority
  }
}
