import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { compareStates, DELETION_MARK, INSERTION_MARK, type CompareResult } from './compare.js';
import { diffSequences } from './sequenceDiff.js';
import type { PMNode } from './yjsJson.js';

function paragraphs(doc: Y.Doc, lines: string[]): void {
  const f = doc.getXmlFragment('default');
  f.insert(
    f.length,
    lines.map((line) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(line)]);
      return p;
    }),
  );
}

const textOf = (doc: Y.Doc, i: number) => (doc.getXmlFragment('default').get(i) as Y.XmlElement).get(0) as Y.XmlText;

/** The marked runs of a result: [kind, author name, text]. */
function marked(r: CompareResult): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const walk = (n: PMNode) => {
    const m = n.marks?.find((x) => x.type === INSERTION_MARK || x.type === DELETION_MARK);
    if (m && n.type === 'text') out.push([m.type === INSERTION_MARK ? 'ins' : 'del', r.authors[m.attrs!.author as number]!.name, n.text!]);
    for (const c of n.content ?? []) walk(c);
  };
  walk(r.doc);
  return out;
}

test('diffSequences: the script rebuilds b from a, for random sequences (seeded)', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: rand(30) }, () => rand(4));
    const b = Array.from({ length: rand(30) }, () => rand(4));
    const ops = diffSequences(a, b, round % 3 === 0 ? 3 : 3000);
    const rebuilt: number[] = [];
    const kept: number[] = [];
    for (const op of ops) {
      if (op.op === 'same') {
        assert.equal(a[op.i], b[op.j]);
        rebuilt.push(b[op.j]!);
      } else if (op.op === 'ins') rebuilt.push(b[op.j]!);
      if (op.op !== 'ins') kept.push(a[op.i]!);
    }
    assert.deepEqual(rebuilt, b);
    assert.deepEqual(kept, a);
  }
});

test('words inserted and deleted inside a paragraph are marked per author; untouched paragraphs are not', () => {
  const doc = new Y.Doc();
  doc.clientID = 1;
  paragraphs(doc, ['The quick brown fox', 'jumps over the lazy dog', 'unchanged']);
  const older = Y.encodeStateAsUpdate(doc);
  doc.clientID = 2;
  textOf(doc, 0).insert(4, 'very ');
  doc.clientID = 3;
  const sv = Y.encodeStateVector(doc);
  textOf(doc, 1).delete(15, 5); // "lazy "
  // Who deleted what, as the server records it: the delete set of the deleter's update.
  const { ds } = Y.decodeUpdate(Y.encodeStateAsUpdate(doc, sv));
  const deletions = [...ds.clients].flatMap(([client, items]) => items.map((d) => ({ client, clock: d.clock, length: d.len, by: { id: 'u3', name: 'Cy' } })));
  const newer = Y.encodeStateAsUpdate(doc);
  const result = compareStates(older, newer, { clients: [[1, { id: 'u1', name: 'Ann' }], [2, { id: 'u2', name: 'Bob' }]], deletions });
  assert.deepEqual(marked(result), [['ins', 'Bob', 'very '], ['del', 'Cy', 'lazy ']]);
  assert.equal(result.changes.length, 2);
  assert.equal(result.doc.content!.length, 3);
  assert.equal(result.doc.content![2]!.content![0]!.text, 'unchanged');
});

test('a paragraph added and one removed are marked whole; nobody recorded is Unknown', () => {
  const doc = new Y.Doc();
  doc.clientID = 1;
  paragraphs(doc, ['one', 'two']);
  const older = Y.encodeStateAsUpdate(doc);
  doc.clientID = 2;
  doc.getXmlFragment('default').delete(0, 1);
  paragraphs(doc, ['three']);
  const result = compareStates(older, Y.encodeStateAsUpdate(doc), { clients: [[2, { id: null, name: 'Dee' }]], deletions: [] });
  assert.deepEqual(marked(result), [['del', 'Unknown', 'one'], ['ins', 'Dee', 'three']]);
  assert.deepEqual(result.doc.content!.map((p) => p.content?.map((t) => t.text).join('')), ['one', 'two', 'three']);
});
