// The conversion worker: runs formats.ts off the server's event loop (ConversionPool).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { fileRefs } from '../files/fileRefs.js';
import { compareStates } from './compare.js';
import { ConversionError, changeTo, digest, exportState, importChange, restoreChange, stateToJSON } from './formats.js';
import { CONVERSION_NICE, type Job, type JobResult } from './jobs.js';

/**
 * Conversions yield the CPU to the message path: on Linux a thread has its own nice value, and
 * this thread takes CONVERSION_NICE (jobs.ts). Where the server has one core (or is pinned to
 * one), ten exports then leave typing on other documents as it was instead of taking turns
 * with it; where cores are free, nothing changes.
 */
export function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid)) setPriority(tid, CONVERSION_NICE);
  } catch {
    // not Linux (no /proc/thread-self): the worker runs at the process's priority
  }
}
lowerThisThreadsPriority();

async function run(job: Job): Promise<unknown> {
  switch (job.op) {
    case 'export':
      return exportState(job.state, job.format, job.title, job.suggestions);
    case 'import':
      return importChange(job.state, job.kind, job.body, job.mode);
    case 'restore':
      return restoreChange(job.state, job.version);
    case 'digest':
      return digest(job.state);
    case 'compare':
      return compareStates(job.older, job.newer, job.authorship);
    // The .docx libraries load on the first .docx job, not with every worker (digests included).
    case 'docxImages':
      return (await import('./docx/images.js')).imageFiles(stateToJSON(job.state), job.name);
    case 'exportDocx':
      return (await import('./docx/export.js')).stateToDocx(job.state, job.title, job.name, job.images);
    case 'importDocx': {
      const { nodes, files, notes } = await (await import('./docx/import.js')).docxToBlocks(job.body, job.name, job.limits);
      return { update: changeTo(job.state, nodes, job.mode), files, notes };
    }
    case 'fileRefs':
      return { refs: [...fileRefs(job.state)], stateVector: Y.encodeStateVectorFromUpdate(job.state) };
  }
}

parentPort!.on('message', async ({ id, job }: { id: number; job: Job }) => {
  parentPort!.postMessage({ id, started: true } satisfies JobResult);
  let reply: JobResult;
  try {
    reply = { id, ok: true, value: await run(job) };
  } catch (err) {
    const bad = err instanceof ConversionError;
    reply = { id, ok: false, bad, ...(bad ? { status: err.status } : {}), message: err instanceof Error ? err.message : String(err) };
  }
  const value = 'ok' in reply && reply.ok ? reply.value : undefined;
  parentPort!.postMessage(reply, value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : []);
});
