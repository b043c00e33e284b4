import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as Y from 'yjs';
import { FRAGMENT } from '@tandem/schema';
import type { Connection } from './Connection.js';
import { RoomDocument } from './RoomDocument.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A joiner whose socket never drains (it holds its slot in the line for a second) and that keeps
 * only the size of what it was sent: the bytes are the kernel's once written.
 */
function joiner(): { conn: Connection; sizes: number[] } {
  const sizes: number[] = [];
  const socket = { backlog: 0 };
  const take = (bytes: Uint8Array) => {
    sizes.push(bytes.byteLength);
    socket.backlog = bytes.byteLength; // and it stays there
    return true;
  };
  const conn = { closed: false, socket, firstSync: () => true, fits: () => false, send: take, sendShared: take };
  return { conn: conn as unknown as Connection, sizes };
}

test('late joiners of a cold large document get the whole stored snapshot, also after its hold lapsed and its message was collected', async () => {
  const source = new Y.Doc();
  source.getXmlFragment(FRAGMENT).insert(0, [new Y.XmlText('x'.repeat(2 << 20))]);
  const snapshot = Y.encodeStateAsUpdate(source);
  const doc = new RoomDocument('cold', () => undefined);
  doc.load([snapshot]); // one stored update: served as it is, decoded once the line is empty
  const joiners = [joiner(), joiner(), joiner()];
  for (const j of joiners) doc.answer(j.conn, new Uint8Array([0]));
  // Two are served at once; the third waits a second for a slot, past the 200 ms hold.
  assert.deepEqual(joiners.map((j) => j.sizes.length), [1, 1, 0]);
  await new Promise((r) => setTimeout(r, 400));
  gc();
  await new Promise((r) => setTimeout(r, 1500)); // the slot lapses at 1 s
  assert.equal(joiners[2]!.sizes.length, 1, 'the third joiner was served');
  for (const j of joiners) assert.ok(j.sizes[0]! > snapshot.byteLength, `a first sync of ${j.sizes[0]} bytes holds the ${snapshot.byteLength}-byte document`);
  assert.equal(doc.doc.getXmlFragment(FRAGMENT).toString(), source.getXmlFragment(FRAGMENT).toString(), 'decoded once the line emptied');
  doc.destroy();
});
