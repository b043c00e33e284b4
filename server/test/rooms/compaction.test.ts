// Compaction off the event loop (RoomDeps.mergeUpdates, the conversion pool's thread in the
// server): the snapshot is made of the stored updates it replaces, an update that never applied
// is left out of it, and a failed merge keeps the updates; the next try comes `threshold`
// updates later, and encodes the room's document in place. A small document is encoded in
// place. Through the real server and its pool: integration/rooms.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { mergeStored } from '../../src/rooms/mergeStored.js';
import { MERGE_IN_THREAD_BYTES } from '../../src/rooms/StoredLog.js';
import { FakeClient, MemoryUpdates, Room, roomDeps } from './support.js';

// An update that decodes and throws inside Y.applyUpdate (as in unappliable.test.ts).
const POISON = Buffer.from('AAJeAgKAt4fCCAAEAPH///8HARhzYW1wbGUgdGV4dCBmb3IgbXV0YXRpb24oAQFtAWsBdQN9AX1XfQMC8f///wcABwEHZGVCYXVsdAMJcGFyYWdyYXBoBwDx////ByIGAA==', 'base64').subarray(3);

/** Text that makes a document large enough to be merged in the thread. */
const LARGE = 'large '.repeat(Math.ceil(MERGE_IN_THREAD_BYTES / 6));

async function typeKeys(room: Room, store: MemoryUpdates, client: FakeClient, keys: number): Promise<void> {
  const text = client.fragment.get(0) as Y.XmlText;
  for (let i = 0; i < keys; i++) {
    text.insert(text.length, String(i % 10));
    client.deliverToRoom(room);
    await store.flush();
    await room.idle();
  }
}

/**
 * A room whose compactions past MERGE_IN_THREAD_BYTES merge through `mergeUpdates` (as the pool's
 * thread does), recording how many updates each merge got; the first `failing` merges throw.
 */
async function roomMergingInThread(name: string, failing = 0) {
  const store = new MemoryUpdates();
  await store.open();
  const merges: number[] = [];
  const mergeUpdates = async (updates: Uint8Array[]) => {
    merges.push(updates.length);
    if (failing-- > 0) throw new Error('the conversion took longer than 20000 ms');
    return mergeStored(updates).merged;
  };
  const room = await Room.load(name, { ...roomDeps(store, 20), mergeUpdates });
  return { store, room, merges };
}

test('a compaction merges the stored updates it replaces through mergeUpdates, leaving out one that never applied; the document reloads the same', async () => {
  const { store, room, merges } = await roomMergingInThread('c');
  const [good, evil] = [new FakeClient(), new FakeClient()];
  good.connect(room);
  evil.connect(room);
  good.fragment.insert(0, [new Y.XmlText(LARGE)]);
  good.deliverToRoom(room);
  room.handleMessage(evil.conn!, { kind: 'update', update: POISON }, Date.now());
  await store.flush();
  await room.idle();
  assert.equal(evil.socket!.closedWith, 1007, 'its sender closed; the update stays stored');
  await typeKeys(room, store, good, 44);
  assert.deepEqual(merges, [21, 21], 'updates 0–20 merged, then the snapshot and the 20 after it');
  assert.ok(room.storedUpdates <= 21, `${room.storedUpdates} stored updates`);
  const text = room.doc.getXmlFragment('default').toString();
  room.destroy();
  // No stored update throws any more (else the load would have to heal), and nothing else was lost.
  const stored = await store.load('c');
  assert.doesNotThrow(() => stored.updates.forEach((u) => Y.applyUpdate(new Y.Doc(), u)));
  const again = await Room.load('c', roomDeps(store, 20));
  assert.equal(again.doc.getXmlFragment('default').toString(), text);
  again.destroy();
});

test('after a failed merge the next compaction waits `threshold` updates, and encodes the document in place', async () => {
  const { store, room, merges } = await roomMergingInThread('f', 1);
  const client = new FakeClient();
  client.connect(room);
  client.fragment.insert(0, [new Y.XmlText(LARGE)]);
  client.deliverToRoom(room);
  await typeKeys(room, store, client, 25);
  assert.deepEqual(merges, [21], 'the first merge failed, and was not tried again at every update');
  assert.ok(room.storedUpdates > 21, 'the updates were kept');
  await typeKeys(room, store, client, 20);
  assert.deepEqual(merges, [21], 'tried again 20 updates later, encoded in place this once');
  assert.ok(room.storedUpdates <= 21, `${room.storedUpdates} stored updates`);
  await typeKeys(room, store, client, 21);
  assert.deepEqual(merges, [21, 21], 'and merged in the thread again after that');
  const text = room.doc.getXmlFragment('default').toString();
  room.destroy();
  const again = await Room.load('f', roomDeps(store, 20));
  assert.equal(again.doc.getXmlFragment('default').toString(), text);
  again.destroy();
});

test('a document under MERGE_IN_THREAD_BYTES is encoded in place', async () => {
  const { store, room, merges } = await roomMergingInThread('s');
  const client = new FakeClient();
  client.connect(room);
  client.fragment.insert(0, [new Y.XmlText('small ')]);
  client.deliverToRoom(room);
  await typeKeys(room, store, client, 45);
  assert.deepEqual(merges, []);
  assert.ok(room.storedUpdates <= 21, `${room.storedUpdates} stored updates`);
  room.destroy();
});
