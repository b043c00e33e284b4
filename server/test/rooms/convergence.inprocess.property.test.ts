// Property, in process: a real Room on an in-memory update log with fake sockets, so thousands of
// interleavings run in seconds. Whatever the order in which messages and store batches arrive,
// with disconnects, reconnects and compaction in between, every client, the room and a reload
// from the store end with one and the same document. (The socket-level property test in
// test/integration covers the same with real servers, far fewer runs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as Y from 'yjs';
import { FakeClient, MemoryUpdates, Room, roomDeps } from './support.js';

type Step =
  | { op: 'insert'; who: number; at: number; text: string }
  | { op: 'paragraph'; who: number; at: number }
  | { op: 'delete'; who: number; at: number; len: number }
  | { op: 'toRoom'; who: number; n: number }
  | { op: 'fromRoom'; who: number; n: number }
  | { op: 'reconnect'; who: number }
  | { op: 'tick' };

const CLIENTS = 3;
const who = fc.nat(CLIENTS - 1);
/** Yjs client IDs (uint32) drawn with the steps: they order concurrent inserts, so a seed replays exactly. */
const clientIds = fc.uniqueArray(fc.nat(2 ** 32 - 1), { minLength: CLIENTS, maxLength: CLIENTS });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), who, at: fc.nat(30), text: fc.string({ minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('paragraph' as const), who, at: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), who, at: fc.nat(30), len: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('toRoom' as const), who, n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('fromRoom' as const), who, n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reconnect' as const), who }) },
  { weight: 3, arbitrary: fc.constant({ op: 'tick' as const }) },
);

/** The client's first paragraph's text, made on first use. */
function paragraph(c: FakeClient): Y.XmlText {
  const first = c.fragment.get(0);
  if (first instanceof Y.XmlElement && first.get(0) instanceof Y.XmlText) return first.get(0) as Y.XmlText;
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText()]);
  c.fragment.insert(0, [p]);
  return p.get(0) as Y.XmlText;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function run(clientIds: number[], steps: Step[]): Promise<void> {
  const store = new MemoryUpdates();
  await store.open();
  const deps = roomDeps(store, 8);
  const room = await Room.load('prop', deps);
  const clients = clientIds.map((id) => new FakeClient(id));
  clients.forEach((c) => c.connect(room));
  try {
    for (const s of steps) {
      const c = 'who' in s ? clients[s.who]! : undefined;
      switch (s.op) {
        case 'insert': {
          const t = paragraph(c!);
          t.insert(Math.min(s.at, t.length), s.text);
          break;
        }
        case 'paragraph': {
          const p = new Y.XmlElement('paragraph');
          p.insert(0, [new Y.XmlText('¶')]);
          c!.fragment.insert(Math.min(s.at, c!.fragment.length), [p]);
          break;
        }
        case 'delete': {
          const t = paragraph(c!);
          const at = Math.min(s.at, t.length);
          const len = Math.min(s.len, t.length - at);
          if (len > 0) t.delete(at, len);
          break;
        }
        case 'toRoom':
          c!.deliverToRoom(room, s.n);
          break;
        case 'fromRoom':
          c!.deliverFromRoom(s.n);
          break;
        case 'reconnect':
          c!.disconnect(room);
          c!.connect(room);
          break;
        case 'tick':
          await tick();
          break;
      }
    }
    // Let everything arrive, until nothing moves: the clients' messages, the store batches they
    // start (room.idle() waits for each to be written, applied and fanned out), the room's answers.
    for (let round = 0; ; round++) {
      clients.forEach((c) => c.deliverToRoom(room));
      await room.idle();
      clients.forEach((c) => c.deliverFromRoom());
      if (clients.every((c) => c.idle)) break;
      assert.ok(round < 200, 'messages still flow after 200 rounds');
    }
    for (const [i, c] of clients.entries()) assert.equal(c.socket!.closedWith, undefined, `client ${i} was not closed`);
    const text = room.doc.getXmlFragment('default').toString();
    for (const [i, c] of clients.entries()) assert.equal(c.text, text, `client ${i} holds what the room holds`);
    const reloaded = await Room.load('prop', deps);
    assert.equal(reloaded.doc.getXmlFragment('default').toString(), text, 'a reload from the store holds it too');
    reloaded.destroy();
  } finally {
    room.destroy();
    clients.forEach((c) => c.doc.destroy());
  }
}

test('in process: random interleavings of 3 clients, store batches and reconnects converge', { timeout: 120_000 }, async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  const numRuns = Number(process.env.FC_RUNS ?? 3000);
  console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed}), ${numRuns} runs`);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  // The first runs are slow while V8 compiles Yjs and the room code: the rate after WARM_UP runs
  // is the property's own pace, what a longer run (FC_RUNS) gets.
  const WARM_UP = Math.min(1000, Math.floor(numRuns / 3));
  let done = 0;
  let warmAt = started;
  const timed = async (ids: number[], steps: Step[]): Promise<void> => {
    await run(ids, steps);
    if (++done === WARM_UP) warmAt = performance.now();
  };
  // 5 to 20 steps: with maxLength 60 fast-check's default size generated at most 2 * 5 + 10 = 20
  // anyway; that is what the runs have always been (an average of 12 steps).
  await fc.assert(fc.asyncProperty(clientIds, fc.array(step, { minLength: 5, maxLength: 20 }), timed), { numRuns, seed, includeErrorInReport: true });
  const now = performance.now();
  const seconds = (now - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const warm = Math.round((numRuns - WARM_UP) / ((now - warmAt) / 1000));
  // The CPU figure says what the wall-clock rate means on a busy machine.
  console.log(`${numRuns} interleavings in ${seconds.toFixed(1)} s: ${Math.round(numRuns / seconds)}/s, ${warm}/s after the first ${WARM_UP} (CPU ${cpuSeconds.toFixed(1)} s: ${Math.round(numRuns / cpuSeconds)} per CPU second)`);
});
