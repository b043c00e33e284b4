// The automerge-paper editing trace (bench/data/README.md), read and replayed in this one place
// for C (its driver and its worker commands) and H (the paper as an editor document).
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not from servers.mjs: the load-generator workers read the trace too, and have no servers.
export const tracePath = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'automerge-paper.json.gz');

/** { startContent, endContent, txns: [{ patches: [[pos, deleted, inserted]] }] } */
export function readTrace(path = tracePath) {
  return JSON.parse(gunzipSync(readFileSync(path)).toString());
}

/** Plain string replay: the trace must give exactly its endContent before anything is timed. */
export function verifyTrace() {
  const trace = readTrace();
  let s = trace.startContent;
  let edits = 0;
  for (const txn of trace.txns) {
    for (const [pos, del, ins] of txn.patches) {
      s = s.slice(0, pos) + ins + s.slice(pos + del);
      edits++;
    }
  }
  if (s !== trace.endContent) throw new Error('trace replay does not give endContent');
  return { edits, chars: s.length };
}

/** The trace's edits ([pos, deleted, inserted]), at most `limit`. */
export function traceEdits(trace, limit) {
  const edits = [];
  for (const txn of trace.txns) for (const patch of txn.patches) if (edits.length < limit) edits.push(patch);
  return edits;
}

/** Applies edits [from, from + batch) to Y.Text `text` as one transaction (one Yjs update). */
export function applyEdits(doc, text, edits, from, batch) {
  doc.transact(() => {
    for (let j = from; j < Math.min(edits.length, from + batch); j++) {
      const [pos, del, ins] = edits[j];
      if (del) text.delete(pos, del);
      if (ins) text.insert(pos, ins);
    }
  });
}

/**
 * A large document made of the trace: replays (100 edits per transaction) until their updates
 * reach `bytes`, each by its own Yjs client (ID 1000 + k) into its own root `p<k>`, as separate
 * updates of ~250 KB — a document of many small items, like one edited for a long time, and
 * deterministic. Returns the updates and, per replay, the client ID and its clock (the expected
 * state vector).
 */
export function traceDocUpdates(bytes, trace = readTrace()) {
  const edits = traceEdits(trace, Infinity);
  const updates = [];
  const clocks = [];
  for (let k = 0, total = 0; total < bytes; k++) {
    const doc = new Y.Doc();
    doc.clientID = 1000 + k;
    const text = doc.getText(`p${k}`);
    for (let i = 0; i < edits.length; i += 100) applyEdits(doc, text, edits, i, 100);
    updates.push(Y.encodeStateAsUpdate(doc));
    total += updates[k].length;
    clocks.push([doc.clientID, Y.getState(doc.store, doc.clientID)]);
    doc.destroy();
  }
  return { updates, clocks, chars: updates.length * trace.endContent.length };
}
