#!/usr/bin/env node
// `node --expose-gc docHeap.mjs <file>`: the V8 heap that the documents in <file> (v8-serialized
// { name: Uint8Array } of whole states, as scenario G snapshots them mid-run) take once loaded
// into Y.Docs the way the server holds them (gc on). Prints { docs, bytes, heap } as JSON.
// Scenario G subtracts the documents' own growth from the server's heap growth with it.
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import * as Y from 'yjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const states = deserialize(readFileSync(process.argv[2]));
const gcHeap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
// Yjs' own code and lazily made structures first, so that the difference is the documents.
const warm = new Y.Doc();
for (const s of Object.values(states).slice(0, 5)) Y.applyUpdate(warm, s);
warm.getText('t').toString();
warm.destroy();
const bytes = Object.values(states).reduce((a, s) => a + s.length, 0);
const h0 = gcHeap();
const docs = [];
for (const s of Object.values(states)) {
  const doc = new Y.Doc({ gc: true });
  Y.applyUpdate(doc, s);
  docs.push(doc);
}
const h1 = gcHeap();
process.stdout.write(JSON.stringify({ docs: docs.length, bytes, heap: h1 - h0 }) + '\n');
