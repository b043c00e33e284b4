// Property (issue 24): a thread's anchor — the comment mark on its text — follows that text
// through concurrent edits before, after and inside it: seeded random edits by three peers,
// synced in random order, never move an anchor onto another thread's text, and never take it
// off text of its own that still exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { commentAttributeKey, isCommentAttribute } from '@tandem/schema';

/** mulberry32: a small seeded PRNG, so that a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each thread's text is written in its own letters (A… for thread 0, B… for 1), edits in lower case. */
const THREADS = ['thread-aaaaaaaa', 'thread-bbbbbbbb', 'thread-cccccccc'];
const LETTER = ['A', 'B', 'C'];

function textOf(doc: Y.Doc): Y.XmlText {
  return (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
  test(`anchors follow their text through concurrent edits (seed ${seed})`, () => {
    const random = rng(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const base = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    base.getXmlFragment('default').insert(0, [p]);
    p.insert(0, [new Y.XmlText('the quick brown fox jumps over the lazy dog')]);
    const peers = [0, 1, 2].map(() => {
      const d = new Y.Doc();
      Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
      return d;
    });
    // Each peer anchors one thread on text of its own, concurrently.
    peers.forEach((d, i) => {
      const t = textOf(d);
      const at = pick(t.length + 1);
      t.insert(at, LETTER[i]!.repeat(3 + pick(4)), { [commentAttributeKey(THREADS[i]!)]: { thread: THREADS[i] } });
    });
    for (let step = 0; step < 60; step++) {
      const d = peers[pick(3)]!;
      const t = textOf(d);
      const r = random();
      // Typed text carries the marks the editor gives it: none here (ProseMirror's comment mark
      // is not inclusive, and y-tiptap always writes the full set of a run's marks).
      if (r < 0.45) t.insert(pick(t.length + 1), 'xyz'.slice(0, 1 + pick(3)), {});
      else if (r < 0.75 && t.length > 0) {
        // Deletes only unmarked letters here: anchored text goes away in the check below.
        const at = pick(t.length);
        const s = t.toString();
        if (/[a-z ]/.test(s[at]!)) t.delete(at, 1);
      } else if (r < 0.85 && t.length > 0) {
        // Formatting of another kind across anchors (bold) must leave them alone.
        const at = pick(t.length);
        t.format(at, 1 + pick(4), { bold: {} });
      } else {
        const [a, b] = [pick(3), pick(3)];
        if (a !== b) sync(peers[a]!, peers[b]!);
      }
    }
    sync(peers[0]!, peers[1]!);
    sync(peers[1]!, peers[2]!);
    sync(peers[0]!, peers[1]!);
    const delta = textOf(peers[0]!).toDelta() as Array<{ insert: string; attributes?: Record<string, unknown> }>;
    assert.deepEqual(textOf(peers[1]!).toDelta(), delta, 'converged');
    for (const op of delta) {
      const threads = Object.entries(op.attributes ?? {}).filter(([k]) => isCommentAttribute(k)).map(([, v]) => (v as { thread: string }).thread);
      for (const ch of op.insert) {
        const own = LETTER.indexOf(ch);
        if (own >= 0) {
          // A thread's own text carries its anchor, and no other thread's.
          assert.ok(threads.includes(THREADS[own]!), `seed ${seed}: "${ch}" lost its anchor (${JSON.stringify(op)})`);
          assert.deepEqual(threads.filter((x) => x !== THREADS[own]), [], `seed ${seed}: "${ch}" carries another thread (${JSON.stringify(op)})`);
        } else {
          // Text typed elsewhere is never anchored to a thread whose text is not around it.
          for (const th of threads) assert.ok(delta.some((o) => o.insert.includes(LETTER[THREADS.indexOf(th)]!)), `seed ${seed}: an anchor without its text`);
        }
      }
    }
    // Deleting one thread's text whole (every character its mark is on, typed into it by others
    // too): the thread is detached (its mark is on nothing), the others keep theirs.
    const t = textOf(peers[0]!);
    const keyA = commentAttributeKey(THREADS[0]!);
    const runs: Array<[number, number]> = [];
    let at = 0;
    for (const op of t.toDelta() as Array<{ insert: string; attributes?: Record<string, unknown> }>) {
      if (op.attributes && keyA in op.attributes) runs.push([at, op.insert.length]);
      at += op.insert.length;
    }
    for (const [from, length] of runs.reverse()) t.delete(from, length);
    const after = (t.toDelta() as Array<{ attributes?: Record<string, unknown> }>).flatMap((o) => Object.keys(o.attributes ?? {}));
    assert.ok(!after.includes(keyA), `seed ${seed}: thread 0 is detached once its text is gone`);
    assert.ok(!t.toString().includes('A'));
    for (const i of [1, 2]) assert.ok(after.includes(commentAttributeKey(THREADS[i]!)), `seed ${seed}: thread ${i} kept its anchor`);
  });
}
