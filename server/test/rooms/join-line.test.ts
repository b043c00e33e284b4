// Guards issue 28's join storm: joiners of a large document take its first sync in turn, two at a
// time and in the order they asked (JoinLine). Written to every socket at once, 150 first syncs
// of 20 MB drained side by side and every joiner waited for all 3 GB (bench J: p50 3.5 s warm);
// in turn the median joiner waits for half. A joiner that closes while it waits is passed over,
// one that reads slowly gives its slot up, and a cold document's stored snapshot is decoded only
// once the line is empty (decoding 20 MB stops every socket for seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { OPEN_ACCESS } from '../../src/auth/access.js';
import { decodeMessage, encodeSyncStep1 } from '../../src/protocol/messages.js';
import { Connection } from '../../src/rooms/Connection.js';
import { LINE_MIN_BYTES } from '../../src/rooms/JoinLine.js';
import { waitFor } from '../helpers.js';
import { FakeClient, FakeSocket, MemoryUpdates, Room, roomDeps } from './support.js';

const LIMITS = { maxBufferedBytes: 1 << 30, rateLimitPerSec: 1e9, rateLimitBurst: 1e9, rateLimitBytesPerSec: 1e12, rateLimitBytesBurst: 1e12 };

/** A socket whose peer has not read a large message until the test says so. */
class ReadingSocket extends FakeSocket {
  override backlog = 0;
  override send(message: Uint8Array): void {
    super.send(message);
    if (message.byteLength >= LINE_MIN_BYTES) this.backlog += message.byteLength;
  }
  read(): void {
    this.backlog = 0;
  }
  /** Whether it was sent the whole document (a sync step 2 past the line's threshold). */
  get hasWhole(): boolean {
    return this.inbox.some((m) => m[0] === 0 && m[1] === 1 && m.byteLength >= LINE_MIN_BYTES);
  }
}

let nextId = 10_000;
function joiner(room: Room): { socket: ReadingSocket; conn: Connection } {
  const socket = new ReadingSocket();
  const conn = new Connection(nextId++, socket, OPEN_ACCESS, '127.0.0.1', LIMITS, Date.now());
  room.join(conn);
  room.handleMessage(conn, decodeMessage(encodeSyncStep1(new Uint8Array([0]))), Date.now());
  return { socket, conn };
}

async function largeRoom(store: MemoryUpdates): Promise<Room> {
  const room = await Room.load('line', roomDeps(store));
  const author = new FakeClient();
  author.connect(room);
  author.fragment.insert(0, [new Y.XmlText('x'.repeat(LINE_MIN_BYTES + 1000))]);
  author.deliverToRoom(room);
  await store.flush();
  await room.idle();
  author.disconnect(room);
  return room;
}

const whole = (js: Array<{ socket: ReadingSocket }>) => js.map((j) => j.socket.hasWhole);

test('joiners of a large document are answered two at a time, in the order they asked', async () => {
  const store = new MemoryUpdates();
  await store.open();
  const room = await largeRoom(store);
  const js = Array.from({ length: 5 }, () => joiner(room));
  assert.deepEqual(whole(js), [true, true, false, false, false], 'the first two at once');

  js[0]!.socket.read();
  await waitFor(() => js[2]!.socket.hasWhole, { what: 'the third joiner served when the first has read' });
  assert.deepEqual(whole(js), [true, true, true, false, false]);

  // The fourth leaves while it waits: the fifth is next.
  room.leave(js[3]!.conn);
  js[3]!.conn.ended();
  js[1]!.socket.read();
  await waitFor(() => js[4]!.socket.hasWhole, { what: 'the fifth joiner served' });
  assert.equal(js[3]!.socket.hasWhole, false, 'nothing sent to a joiner that left');

  // Each got the one message every joiner shares.
  const sent = js.filter((j) => j.socket.hasWhole).map((j) => j.socket.inbox.find((m) => m.byteLength >= LINE_MIN_BYTES));
  for (const m of sent) assert.equal(m, sent[0]);
  room.destroy();
});

test('a joiner that does not read gives its slot up after a second, one with output queued is passed over for a second; the others are not held', async () => {
  const store = new MemoryUpdates();
  await store.open();
  const room = await largeRoom(store);
  const js = Array.from({ length: 3 }, () => joiner(room));
  assert.deepEqual(whole(js), [true, true, false]);
  const t = Date.now();
  await waitFor(() => js[2]!.socket.hasWhole, { timeoutMs: 5000, what: 'the third joiner served past two that never read' });
  assert.ok(Date.now() - t >= 900, 'it waited for the slot');

  // A waiting joiner that does not read what it was sent meanwhile is passed over, then served anyway.
  for (const j of js) j.socket.read();
  await new Promise((resolve) => setTimeout(resolve, 30)); // the line notices: both slots free
  const busy = [joiner(room), joiner(room)];
  assert.deepEqual(whole(busy), [true, true]);
  const next = joiner(room);
  next.socket.backlog = 10;
  const after = joiner(room);
  for (const j of busy) j.socket.read();
  await waitFor(() => after.socket.hasWhole, { what: 'the joiner behind it served first' });
  assert.equal(next.socket.hasWhole, false, 'passed over while it has output queued');
  await waitFor(() => next.socket.hasWhole, { timeoutMs: 5000, what: 'served after a second anyway' });
  room.destroy();
});

test("a cold document's stored snapshot is decoded only when the line is empty", async () => {
  const store = new MemoryUpdates();
  await store.open();
  const first = await largeRoom(store);
  first.compactBeforeClose();
  await first.idle();
  first.destroy();

  const room = await Room.load('line', roomDeps(store));
  const document = (room as unknown as { document: { waiting: boolean } }).document;
  assert.equal(document.waiting, true, 'loaded as the stored snapshot');
  const js = Array.from({ length: 3 }, () => joiner(room));
  assert.deepEqual(whole(js), [true, true, false]);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(document.waiting, true, 'not decoded while joiners are in line');
  for (const j of js) j.socket.read();
  await waitFor(() => js[2]!.socket.hasWhole, { what: 'the third joiner served' });
  js[2]!.socket.read();
  await waitFor(() => !document.waiting, { what: 'the snapshot decoded once the line emptied' });
  assert.equal(room.doc.getXmlFragment('default').length, 1);
  room.destroy();
});
