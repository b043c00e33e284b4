// Guards the safety net behind validateUpdate: an update that decodes but throws inside
// Y.applyUpdate (the class a fuzzer found; validateUpdate now refuses the known shape, so these
// tests hand the room such an update directly, as an unknown shape would arrive). It used to
// reject out of the batch and end the process, and stay stored, so the document never loaded again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { FakeClient, MemoryUpdates, Room, roomDeps } from './support.js';

const POISON = Buffer.from('AAJeAgKAt4fCCAAEAPH///8HARhzYW1wbGUgdGV4dCBmb3IgbXV0YXRpb24oAQFtAWsBdQN9AX1XfQMC8f///wcABwEHZGVCYXVsdAMJcGFyYWdyYXBoBwDx////ByIGAA==', 'base64').subarray(3);

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getXmlFragment('default').insert(0, [new Y.XmlText(text)]);
  return Y.encodeStateAsUpdate(doc);
}

test('an update that throws while applied: its sender is closed with 1007, the room and the others go on', async () => {
  assert.throws(() => Y.applyUpdate(new Y.Doc(), POISON), 'the sample really throws inside applyUpdate');
  const store = new MemoryUpdates();
  await store.open();
  const room = await Room.load('poison', roomDeps(store));
  const [good, evil] = [new FakeClient(), new FakeClient()];
  good.connect(room);
  evil.connect(room);
  good.fragment.insert(0, [new Y.XmlText('kept')]);
  good.deliverToRoom(room);
  room.handleMessage(evil.conn!, { kind: 'update', update: POISON }, Date.now());
  await store.flush();
  await room.idle();
  assert.equal(evil.socket!.closedWith, 1007);
  assert.equal(good.socket!.closedWith, undefined);
  assert.equal(room.doc.getXmlFragment('default').toString(), 'kept');
  good.fragment.insert(1, [new Y.XmlText(' still')]);
  good.deliverToRoom(room);
  await store.flush();
  await room.idle();
  assert.match(room.doc.getXmlFragment('default').toString(), /still/);
  room.destroy();
});

test('stored updates that do not apply are dropped at load; the rest of the document opens', async () => {
  const store = new MemoryUpdates();
  await store.open();
  await Promise.all([store.append('healed', 0, textUpdate('before')), store.append('healed', 1, POISON), store.append('healed', 2, textUpdate('after'))]);
  const room = await Room.load('healed', roomDeps(store));
  const text = room.doc.getXmlFragment('default').toString();
  assert.match(text, /before/);
  assert.match(text, /after/);
  room.destroy();
  const stored = await store.load('healed');
  assert.equal(stored.updates.length, 1, 'rewritten as one snapshot without the bad update');
  Y.applyUpdate(new Y.Doc(), stored.updates[0]!);
});
