// The search index's thread: holds the index (SearchIndex) and does everything that reads or
// changes it, off the server's event loop (IndexThread).
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadsPriority } from '../workerThreads.js';
import { INDEX_NICE, type Answer, type Call, type Notice } from './indexCalls.js';
import { SearchIndex, type Hit } from './SearchIndex.js';

lowerThisThreadsPriority(INDEX_NICE);

let index = SearchIndex.empty();

/**
 * Ranked hits of the searches still paging, oldest first; a few at most (see `rankedFor`). A
 * search pages through the index as it was when it began (a document deleted since is dropped
 * by the asker, which finds no text for it).
 */
const ranked = new Map<number, Hit[]>();
const MAX_RANKED = 16;

function rankedFor(search: number, query: string): Hit[] {
  let hits = ranked.get(search);
  if (!hits) {
    hits = index.rank(query);
    ranked.set(search, hits);
    // A search whose asker never released it (its request failed) goes once sixteen newer ones
    // page: a search that outlives that is ranked again, with the same result.
    if (ranked.size > MAX_RANKED) ranked.delete(ranked.keys().next().value!);
  }
  return hits;
}

function answer(call: Call): { value: unknown; transfer?: ArrayBuffer[] } {
  switch (call.op) {
    case 'load': {
      index = SearchIndex.load(Buffer.from(call.data.buffer, call.data.byteOffset, call.data.byteLength).toString('utf8'));
      ranked.clear();
      return { value: index.size };
    }
    case 'clear':
      index = SearchIndex.empty();
      ranked.clear();
      return { value: undefined };
    case 'serialize': {
      const data = Buffer.from(index.serialize(), 'utf8');
      // A buffer of its own (large ones are), so its memory moves to the event loop's thread uncopied.
      const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      const bytes = own ? data : new Uint8Array(data);
      return { value: bytes, transfer: [bytes.buffer as ArrayBuffer] };
    }
    case 'page': {
      const hits = rankedFor(call.search, call.query);
      return { value: { hits: hits.slice(call.from, call.from + call.count), total: hits.length } };
    }
  }
}

function notice(call: Notice): void {
  switch (call.op) {
    case 'put':
      index.put(call.name, call.text);
      return;
    case 'remove':
      index.remove(call.name);
      return;
    case 'release':
      ranked.delete(call.search);
      return;
  }
}

parentPort!.on('message', (call: Call | Notice) => {
  if (!('id' in call)) {
    try {
      notice(call);
    } catch (err) {
      parentPort!.postMessage({ id: 0, error: `${call.op}: ${String(err)}` } satisfies Answer);
    }
    return;
  }
  try {
    const { value, transfer } = answer(call);
    parentPort!.postMessage({ id: call.id, value } satisfies Answer, transfer ?? []);
  } catch (err) {
    parentPort!.postMessage({ id: call.id, error: err instanceof Error ? err.message : String(err) } satisfies Answer);
  }
});
