// Guards issue 28, presence at scale: each awareness change went to every peer as its own
// frame (N people moving their carets: N² socket writes a second), a peer whose socket was
// backed up got a queue of stale frames, and every echoed state was JSON-decoded. Now a tick's
// changes go out as one frame, the same buffer for every peer; a peer that is behind gets the
// newest states once it drains; echoes are dropped on their client ID and clock alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import { OPEN_ACCESS } from '../../src/auth/access.js';
import * as Y from 'yjs';
import { DecodeError, decodeMessage, encodeAwareness, encodeUpdate } from '../../src/protocol/messages.js';
import { Connection } from '../../src/rooms/Connection.js';
import type { Outgoing } from '../../src/rooms/ports.js';
import { PRESENCE_BEHIND_BYTES } from '../../src/rooms/PresenceDelivery.js';
import { PresenceRecords } from '../../src/rooms/PresenceRecords.js';
import { PRESENCE_TICK_MS, PresenceTicks, RIDE_AFTER_TICKS, RIDE_WAIT_TICKS } from '../../src/rooms/PresenceTicks.js';
import { waitFor } from '../helpers.js';
import { FakeSocket, MemoryUpdates, Room, roomDeps } from './support.js';

const LIMITS = { maxBufferedBytes: 1 << 30, rateLimitPerSec: 1e9, rateLimitBurst: 1e9, rateLimitBytesPerSec: 1e12, rateLimitBytesBurst: 1e12 };

/**
 * A socket that keeps the broadcast buffers it is handed, and whose backlog the test sets. Like
 * WsSocket it gathers what it is sent from its first frame of a turn to the end of that turn
 * into one write: `writes` numbers each message with the socket write that would carry it.
 */
class WatchedSocket extends FakeSocket {
  override backlog = 0;
  readonly shared: Outgoing[] = [];
  readonly writes: number[] = [];
  private write = 0;
  private corked = false;
  override sendEncoded(out: Outgoing): void {
    this.shared.push(out);
    if (!this.corked) {
      this.corked = true;
      this.write++;
      process.nextTick(() => (this.corked = false));
    }
    const before = this.inbox.length;
    super.sendEncoded(out);
    for (let i = before; i < this.inbox.length; i++) this.writes.push(this.write);
  }
  /** The awareness messages received, each as [client ID, clock, JSON] entries. */
  awareness(): Array<Array<[number, number, string]>> {
    return this.inbox.filter((m) => m[0] === 1).map(entriesOf);
  }
}

function entriesOf(message: Uint8Array): Array<[number, number, string]> {
  const d = decoding.createDecoder(message);
  decoding.readVarUint(d);
  const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
  const n = decoding.readVarUint(inner);
  return Array.from({ length: n }, () => [decoding.readVarUint(inner), decoding.readVarUint(inner), decoding.readVarString(inner)]);
}

let nextId = 1;
async function roomWithPeers(n: number): Promise<{ room: Room; peers: Array<{ conn: Connection; socket: WatchedSocket }> }> {
  const store = new MemoryUpdates();
  await store.open();
  const room = await Room.load(`ticks-${nextId}`, { ...roomDeps(store), maxAwarenessIds: 1000 });
  const peers = Array.from({ length: n }, () => {
    const socket = new WatchedSocket();
    const conn = new Connection(nextId++, socket, OPEN_ACCESS, '127.0.0.1', LIMITS, Date.now());
    room.join(conn);
    socket.inbox.length = 0; // the greeting
    return { conn, socket };
  });
  return { room, peers };
}

const say = (room: Room, conn: Connection, clientId: number, clock: number, json: string) =>
  room.handleMessage(conn, decodeMessage(encodeAwareness([{ clientId, clock, json }])), Date.now());

test('changes within one tick reach each peer as one frame holding all of them, the same buffer for every peer', async () => {
  const { room, peers } = await roomWithPeers(5);
  // 5 peers each change their state 4 times in one turn of the event loop: 20 changes.
  for (let clock = 1; clock <= 4; clock++) {
    for (const [i, { conn }] of peers.entries()) say(room, conn, 100 + i, clock, JSON.stringify({ user: { name: `p${i}` }, clock }));
  }
  await waitFor(() => peers.every(({ socket }) => socket.awareness().length > 0), { what: 'the tick sent' });
  for (const { socket } of peers) {
    const frames = socket.awareness();
    assert.equal(frames.length, 1, 'one frame per peer');
    // Every peer's newest state, the sender's own included.
    assert.deepEqual(frames[0]!.map(([id, clock]) => [id, clock]).sort(), [100, 101, 102, 103, 104].map((id) => [id, 4]));
  }
  const buffers = new Set(peers.map(({ socket }) => socket.shared[0]!.data));
  assert.equal(buffers.size, 1, 'encoded once: the same bytes for every peer');
  room.destroy();
});

test('a peer whose socket is backed up skips the frames and then gets only the newest states', async () => {
  const { room, peers } = await roomWithPeers(2);
  const [mover, slow] = peers as [(typeof peers)[0], (typeof peers)[0]];
  slow.socket.backlog = PRESENCE_BEHIND_BYTES + 1; // it stops reading
  for (let clock = 1; clock <= 5; clock++) {
    say(room, mover.conn, 7, clock, JSON.stringify({ cursor: clock }));
    await waitFor(() => mover.socket.awareness().length === clock, { what: `tick ${clock}` });
  }
  assert.equal(slow.socket.awareness().length, 0, 'no queue of old frames');
  slow.socket.backlog = 0; // it drained
  await waitFor(() => slow.socket.awareness().length > 0, { what: 'the catch-up' });
  assert.deepEqual(slow.socket.awareness(), [[[7, 5, '{"cursor":5,"user":{"verified":false}}']]]);
  room.destroy();
});

test('an echo of another peer\'s state is dropped without its JSON being read; a kept state that does not decode is refused', async () => {
  const { room, peers } = await roomWithPeers(2);
  const [owner, echoer] = peers as [(typeof peers)[0], (typeof peers)[0]];
  say(room, owner.conn, 1, 3, '{"user":{"name":"Ada"}}');
  // Not JSON, for a client ID another live connection owns, at a clock no newer: never decoded.
  say(room, echoer.conn, 1, 3, '{not json');
  say(room, echoer.conn, 1, 2, '{not json');
  assert.equal(echoer.socket.closedWith, undefined);
  // The same bytes as a state the room would keep (its own new ID): decoded, and refused.
  assert.throws(() => say(room, echoer.conn, 2, 1, '{not json'), (err: unknown) => err instanceof DecodeError && err.failure === 'invalid');
  await waitFor(() => owner.socket.awareness().length > 0, { what: 'the tick sent' });
  assert.deepEqual(owner.socket.awareness().flat().map(([id, , json]) => [id, JSON.parse(json).user.name]), [[1, 'Ada']]);
  room.destroy();
});

test('presence waiting for its tick goes out in the same socket write as a document update to every peer, once half a tick has passed', async () => {
  const { room, peers } = await roomWithPeers(3);
  const [mover, typist, watcher] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]];
  let text = 0;
  const type = () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, String(text++));
    room.handleMessage(typist.conn, decodeMessage(encodeUpdate(Y.encodeStateAsUpdate(doc))), Date.now());
  };
  /** Each update the watcher got, and whether the awareness frame right behind it came in the same write. */
  const rides = () => {
    const { inbox, writes } = watcher.socket;
    return inbox.flatMap((m, i) => (m[0] === 0 ? [inbox[i + 1]?.[0] === 1 && writes[i + 1] === writes[i]] : []));
  };
  say(room, mover.conn, 7, 1, '{"cursor":1}'); // after a quiet spell: at the end of this turn
  await new Promise((r) => setImmediate(r)); // (queued behind the frame's)
  assert.equal(watcher.socket.awareness().length, 1, 'the first frame');
  // Right after a frame, an update does not take the next one along: it waits for the tick's end.
  type(); // (stored and fanned out in the next turn of the event loop)
  say(room, mover.conn, 7, 2, '{"cursor":2}');
  await waitFor(() => watcher.socket.awareness().length === 2, { what: 'the second frame' });
  assert.deepEqual(rides(), [false]);
  // Half a tick after a frame, it does.
  await new Promise((r) => setTimeout(r, PRESENCE_TICK_MS * RIDE_AFTER_TICKS + 5));
  type();
  say(room, mover.conn, 7, 3, '{"cursor":3}');
  await waitFor(() => watcher.socket.awareness().length === 3, { what: 'the third frame' });
  assert.deepEqual(rides(), [false, true]);
  // The typist (who gets no update of its own) and the mover have each frame too, and nothing is sent twice.
  await new Promise((r) => setTimeout(r, PRESENCE_TICK_MS + 30)); // past the tick's end
  for (const { socket } of [mover, typist, watcher]) assert.deepEqual(socket.awareness().map((f) => f.map(([, clock]) => clock)), [[1], [2], [3]]);
  room.destroy();
});

/** PresenceTicks alone, with what it delivers locally (and when) and publishes to other instances. */
function watchedTicks() {
  const records = new PresenceRecords(() => Date.now());
  const delivered: Array<Array<[number, number, string]>> = [];
  const deliveredAt: number[] = [];
  const published: Array<Array<[number, number, string]>> = [];
  const ticks = new PresenceTicks(records, {
    deliver: (frame) => {
      if (frame) {
        delivered.push(entriesOf(frame));
        deliveredAt.push(performance.now());
      }
      return false;
    },
    publish: (message) => published.push(entriesOf(message)),
  });
  /** `clientId` moves to `clock`; `here`: a local peer's change. */
  const change = (clientId: number, clock: number, here = true) => {
    records.set(clientId, records.get(clientId), clock, `{"c":${clock}}`);
    ticks.changed(clientId, here);
  };
  return { ticks, delivered, deliveredAt, published, change };
}

test('after a ride, the tick still tells other instances what the local peers changed, and only that', async () => {
  const { ticks, delivered, published, change } = watchedTicks();
  change(1, 1, true); // a local peer: the first change goes out at the end of the turn
  await waitFor(() => delivered.length === 1 && published.length === 1, { what: 'the first frame' });
  await new Promise((r) => setTimeout(r, PRESENCE_TICK_MS * RIDE_AFTER_TICKS + 5));
  change(1, 2, true); // within the tick
  ticks.ride(); // an update goes out: the local peers get it now
  assert.deepEqual(delivered[1], [[1, 2, '{"c":2}']]);
  change(2, 1, false); // another instance's peer, within the same tick
  await waitFor(() => published.length === 2, { what: 'the tick\'s publish' });
  assert.deepEqual(published[1], [[1, 2, '{"c":2}']], 'what the local peer changed, not what came from elsewhere');
  await waitFor(() => delivered.length === 3, { what: 'the next frame' }); // (an update went out: it waited for another)
  assert.deepEqual(delivered[2], [[2, 1, '{"c":1}']]);
  ticks.stop();
});

test('while document updates go out, a change waits for one to ride on up to RIDE_WAIT_TICKS after the last frame, not one tick', async () => {
  const { ticks, delivered, deliveredAt: at, change } = watchedTicks();
  change(1, 1); // after a quiet spell: at the end of the turn
  await waitFor(() => delivered.length === 1, { what: 'the first frame' });
  // An update goes to every peer (nothing waits to ride on it): the document is busy.
  ticks.ride();
  const updateAt = performance.now();
  change(1, 2);
  await new Promise((r) => setTimeout(r, PRESENCE_TICK_MS * 1.4));
  assert.equal(delivered.length, 1, 'not at the tick\'s end: an update is likely to come and carry it');
  // None comes: it goes alone, RIDE_WAIT_TICKS after the last frame.
  await waitFor(() => delivered.length === 2, { what: 'the frame on its own' });
  // (a timer counts from the event loop's clock, read when its turn began: it may fire a few ms early)
  assert.ok(at[1]! - at[0]! >= PRESENCE_TICK_MS * RIDE_WAIT_TICKS - 5, `${at[1]! - at[0]!} ms after the first`);
  // RIDE_WAIT_TICKS since the last update: the document is quiet again, a change waits one tick.
  await new Promise((r) => setTimeout(r, Math.max(0, updateAt + PRESENCE_TICK_MS * RIDE_WAIT_TICKS + 5 - performance.now())));
  change(1, 3);
  await waitFor(() => delivered.length === 3, { what: 'the next tick\'s frame' });
  const gap = at[2]! - at[1]!;
  assert.ok(gap >= PRESENCE_TICK_MS - 5 && gap < PRESENCE_TICK_MS * RIDE_WAIT_TICKS, `${gap} ms after the last frame`);
  assert.deepEqual(delivered.map((d) => d[0]![1]), [1, 2, 3]);
  ticks.stop();
});

test('after a ride, what changes next waits for the next ride or RIDE_WAIT_TICKS, while the publish goes when the ridden frame was due', async () => {
  const { ticks, delivered, published, change } = watchedTicks();
  change(1, 1);
  await waitFor(() => delivered.length === 1 && published.length === 1, { what: 'the first frame' });
  await new Promise((r) => setTimeout(r, PRESENCE_TICK_MS * RIDE_AFTER_TICKS + 5));
  change(1, 2); // due at the tick's end
  ticks.ride(); // an update takes it along
  change(2, 1); // and this one waits for the next
  assert.deepEqual(delivered[1], [[1, 2, '{"c":2}']]);
  await waitFor(() => published.length === 2, { what: 'the publish, at the tick\'s end' });
  assert.deepEqual(published[1], [[1, 2, '{"c":2}'], [2, 1, '{"c":1}']], 'all a local peer changed');
  assert.equal(delivered.length, 2, 'the local peers wait for the next update, or RIDE_WAIT_TICKS after the ride');
  await waitFor(() => delivered.length === 3, { what: 'the frame on its own' });
  assert.deepEqual(delivered[2], [[2, 1, '{"c":1}']]);
  ticks.stop();
});
