// The conversion worker: runs formats.ts off the server's event loop (ConversionPool).
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { fileRefs } from '../files/fileRefs.js';
import { mergeStored } from '../rooms/mergeStored.js';
import { lowerThisThreadsPriority } from '../workerThreads.js';
import { ConversionError } from './conversion.js';
import { digest } from './digest.js';
import { CONVERSION_NICE, type Job, type JobResult } from './jobs.js';

// The export formats' libraries (Tiptap's HTML with happy-dom, Markdown), the comparison and the
// .docx ones load on the first job that needs them: a worker started for a version's digest
// (at every stop, for instance) is ready in a third of the time.
const formats = () => import('./formats.js');

// Conversions yield the CPU to the message path: ten exports on a server pinned to one core then
// leave typing on other documents as it was instead of taking turns with it (CONVERSION_NICE).
lowerThisThreadsPriority(CONVERSION_NICE);

/**
 * Loads what `job` needs and returns the job itself. The loading is not the job's time: the
 * pool counts CONVERSION_TIMEOUT_MS from the `started` that follows it.
 */
async function prepare(job: Job): Promise<() => unknown> {
  switch (job.op) {
    case 'digest':
      return () => digest(job.state);
    case 'merge':
      return () => mergeStored(job.updates).merged;
    case 'fileRefs':
      return () => ({ refs: [...fileRefs(job.state)], stateVector: Y.encodeStateVectorFromUpdate(job.state) });
    case 'export': {
      const f = await formats();
      return () => f.exportState(job.state, job.format, job.title, job.suggestions);
    }
    case 'import': {
      const f = await formats();
      return () => f.importChange(job.state, job.kind, job.body, job.mode);
    }
    case 'restore': {
      const f = await formats();
      return () => f.restoreChange(job.state, job.version);
    }
    case 'compare': {
      const c = await import('./compare.js');
      return () => c.compareStates(job.older, job.newer, job.authorship);
    }
    case 'docxImages': {
      const [images, f] = await Promise.all([import('./docx/images.js'), formats()]);
      return () => images.imageFiles(f.stateToJSON(job.state), job.name);
    }
    case 'exportDocx': {
      const docx = await import('./docx/export.js');
      return () => docx.stateToDocx(job.state, job.title, job.name, job.images);
    }
    case 'importDocx': {
      const [docx, f] = await Promise.all([import('./docx/import.js'), formats()]);
      return async () => {
        const { nodes, files, notes } = await docx.docxToBlocks(job.body, job.name, job.limits);
        return { update: f.changeTo(job.state, nodes, job.mode), files, notes };
      };
    }
  }
}

parentPort!.on('message', async ({ id, job }: { id: number; job: Job }) => {
  let reply: JobResult;
  try {
    const run = await prepare(job);
    parentPort!.postMessage({ id, started: true } satisfies JobResult);
    reply = { id, ok: true, value: await run() };
  } catch (err) {
    const bad = err instanceof ConversionError;
    reply = { id, ok: false, bad, ...(bad ? { status: err.status } : {}), message: err instanceof Error ? err.message : String(err) };
  }
  const value = 'ok' in reply && reply.ok ? reply.value : undefined;
  parentPort!.postMessage(reply, value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : []);
});
