#!/usr/bin/env node
// What compare (issue 25) costs, on the built server (`node scripts/build.mjs` first):
// `node bench/src/compareCost.mjs` replays the automerge-paper trace (bench/data/README.md) as
// an editor document (one paragraph per line, ≈105,000 characters at the end) by two people
// taking turns every 20,000 edits, each edit one update fed to the server's own authorship
// recorder (history/AuthorshipRecorders.ts) as if a connection with that identity had sent it.
// Then the version at 40% of the trace is compared with the final one, as the compare job does
// in its worker, and prints ms for
//   read     — both states into trees with their Yjs ids (compareTree.ts),
//   diff     — aligning blocks and words, and building the marked document, without attribution,
//   attribution — what attributing every change adds (the same with the recorded authorship, minus diff),
//   total    — the worker's whole job (compareStates), and the answer's JSON size,
// and µs per update of the recorder (what the message path pays). Medians of five (diff and
// attribution: nine, taken in turns).
// Figures, not assertions; the brief's bar is a compare under 1 s.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readTrace } from './trace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(join(root, 'server', 'dist', p));
// The server's own Yjs (ESM, as its dist imports it): one copy, so that its instanceof checks hold.
const Y = await import(join(root, 'node_modules', 'yjs', 'dist', 'yjs.mjs'));
const { compareStates, compareTrees } = await dist('history/compare.js');
const { readTree } = await dist('history/compareTree.js');
const { AuthorshipRecorders } = await dist('history/AuthorshipRecorders.js');

const TURN = 20_000;
const PEOPLE = [
  { clientID: 101, access: { mode: 'write', sub: 'ann', userName: 'Ann' } },
  { clientID: 202, access: { mode: 'write', sub: 'bob', userName: 'Bob' } },
];

/** The recorder over a store in memory: what it would write, kept to hand to compare. */
function recorder() {
  const clients = new Map();
  const deletions = [];
  const store = {
    recordAuthorship: async (_name, batch) => {
      for (const [c, who] of batch.clients) clients.set(c, who);
      deletions.push(...batch.deletions);
    },
    readAuthorship: async () => ({ clients, deletions }),
  };
  let listener;
  const room = { name: 'paper', onApplied: (l) => (listener = l), presence: { declaredName: () => undefined } };
  const silent = { warn() {}, info() {}, error() {}, debug() {} };
  const watcher = new AuthorshipRecorders(store, silent).watch(room);
  return { listener: () => listener, watcher, authorship: () => ({ clients: [...clients], deletions }) };
}

/** Replays the trace into paragraphs; returns the states at `at` (a fraction) and at the end. */
function replay(at, rec) {
  const trace = readTrace();
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  const para = (s) => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(s)]);
    return p;
  };
  doc.transact(() => fragment.insert(0, trace.startContent.split('\n').map(para)));
  const texts = () => fragment.toArray().map((p) => p.get(0));
  let lens = texts().map((t) => t.length);
  // The paragraph holding flat position `pos`, found from the last one (edits are local).
  let cur = 0;
  let curStart = 0;
  const locate = (pos) => {
    while (pos < curStart) curStart -= lens[--cur] + 1;
    while (cur < lens.length - 1 && pos > curStart + lens[cur]) curStart += lens[cur++] + 1;
    return [cur, pos - curStart];
  };
  const updates = [];
  doc.on('update', (u) => updates.push(u));
  const total = trace.txns.reduce((n, t) => n + t.patches.length, 0);
  let edits = 0;
  let older;
  let person = PEOPLE[0];
  const conn = (p) => ({ kind: 'conn', conn: { access: p.access } });
  let recordUs = 0;
  for (const txn of trace.txns) {
    for (const [pos, del, ins] of txn.patches) {
      if (edits % TURN === 0) doc.clientID = (person = PEOPLE[(edits / TURN) % 2]).clientID;
      doc.transact(() => {
        for (let d = 0; d < del; d++) {
          const [p, o] = locate(pos);
          if (o < lens[p]) {
            fragment.get(p).get(0).delete(o, 1);
            lens[p]--;
          } else {
            // A line break: the next paragraph's text joins this one.
            const tail = fragment.get(p + 1).get(0).toString();
            fragment.delete(p + 1, 1);
            fragment.get(p).get(0).insert(lens[p], tail);
            lens.splice(p, 2, lens[p] + lens[p + 1]);
          }
        }
        let offset = 0;
        for (const part of ins.split(/(\n)/)) {
          if (part === '') continue;
          const [p, o] = locate(pos + offset);
          const text = fragment.get(p).get(0);
          if (part === '\n') {
            const tail = text.toString().slice(o);
            if (tail) text.delete(o, tail.length);
            fragment.insert(p + 1, [para(tail)]);
            lens.splice(p, 1, o, tail.length);
          } else {
            text.insert(o, part);
            lens[p] += part.length;
          }
          offset += part.length;
        }
      });
      const t = performance.now();
      rec.listener()(updates.map(() => conn(person)), updates);
      recordUs += (performance.now() - t) * 1000;
      updates.length = 0;
      edits++;
      if (edits === Math.round(total * at)) older = Y.encodeStateAsUpdate(doc);
    }
  }
  const newer = Y.encodeStateAsUpdate(doc);
  const chars = lens.reduce((a, b) => a + b, 0);
  if (fragment.toArray().map((p) => p.get(0).toString()).join('\n') !== trace.endContent) throw new Error('the replay does not give the trace\'s endContent');
  return { older, newer, edits, chars, paragraphs: lens.length, recordUs: recordUs / edits };
}

function median(fn) {
  const runs = [];
  let value;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    value = fn();
    runs.push(performance.now() - t);
  }
  return { ms: runs.sort((a, b) => a - b)[2], value };
}

const rec = recorder();
const t0 = performance.now();
const { older, newer, edits, chars, paragraphs, recordUs } = replay(0.4, rec);
await rec.watcher.close();
const authorship = rec.authorship();
const none = { clients: [], deletions: [] };
console.log(`replayed ${edits} edits in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${chars} characters in ${paragraphs} paragraphs; states ${older.length} and ${newer.length} bytes`);
console.log(`recorded: ${authorship.clients.length} client ids, ${authorship.deletions.length} deleted runs`);
const read = median(() => [readTree(older), readTree(newer)]);
const [a, b] = read.value;
// Unattributed and attributed runs taken in turns, so that a loaded machine slows both alike.
const pairs = [];
for (let r = 0; r < 9; r++) {
  const t = performance.now();
  compareTrees(a, b, none);
  const t2 = performance.now();
  compareTrees(a, b, authorship);
  pairs.push([t2 - t, performance.now() - t2]);
}
const mid = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const diff = { ms: mid(pairs.map((p) => p[0])) };
const attribution = mid(pairs.map((p) => p[1] - p[0]));
const total = median(() => compareStates(older, newer, authorship));
const result = total.value;
const byAuthor = new Map(result.authors.map((w) => [w.name, 0]));
for (const c of result.changes) for (const i of c.authors) byAuthor.set(result.authors[i].name, byAuthor.get(result.authors[i].name) + 1);
console.log(`changes: ${result.changes.length} (${[...byAuthor].map(([n, k]) => `${n} ${k}`).join(', ')})`);
console.log(`read ${read.ms.toFixed(1)} ms | diff ${diff.ms.toFixed(1)} ms | attribution ${attribution.toFixed(1)} ms (paired difference; noise on a loaded machine) | total ${total.ms.toFixed(1)} ms | answer ${(JSON.stringify(result).length / 1e6).toFixed(2)} MB JSON`);
console.log(`recorder: ${recordUs.toFixed(1)} µs per update (decode, new client ids, delete runs)`);
