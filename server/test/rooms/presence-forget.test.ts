// A document that is never empty does not keep a presence record for every client that ever
// joined it: removed states nobody owns are forgotten FORGET_REMOVED_AFTER_MS after removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPEN_ACCESS } from '../../src/auth/access.js';
import { CloseCode } from '../../src/closeCodes.js';
import { silentLogger } from '../../src/logger.js';
import { Connection } from '../../src/rooms/Connection.js';
import { decodeMessage, encodeAwareness } from '../../src/protocol/messages.js';
import { Presence } from '../../src/rooms/Presence.js';
import { FORGET_REMOVED_AFTER_MS } from '../../src/rooms/PresenceRecords.js';
import { FakeSocket } from './support.js';

const limits = { maxBufferedBytes: 1 << 20, rateLimitPerSec: 1000, rateLimitBurst: 1000, rateLimitBytesPerSec: 1 << 20, rateLimitBytesBurst: 1 << 24 };
const state = (name: string) => ({ user: { name } });
/** One entry as a peer's awareness message carries it. */
const entry = (clientId: number, clock: number, s: Record<string, unknown> | null) => {
  const msg = decodeMessage(encodeAwareness([{ clientId, clock, json: JSON.stringify(s) }]));
  assert.ok(msg.kind === 'awareness');
  return msg.update;
};
const presenceLimits = { maxStateBytes: 1 << 16, maxRoomBytes: Number.POSITIVE_INFINITY, maxIdsPerConnection: Number.POSITIVE_INFINITY, staleAfterMs: 1000 };
const nowhere = { deliver: () => false, publish: () => undefined };

/** Every current state, as a query is answered. */
function snapshotText(presence: Presence): string {
  const socket = new FakeSocket();
  presence.handleQuery(new Connection(9999, socket, OPEN_ACCESS, '127.0.0.1', limits, 0));
  return new TextDecoder().decode(socket.inbox[0]!);
}

test('removed presence states are forgotten after a while; live ones and recently removed ones are kept', () => {
  let now = 1_000_000;
  const presence = new Presence('forget', silentLogger(), presenceLimits, nowhere, () => now);
  const stay = new Connection(1, new FakeSocket(), OPEN_ACCESS, '127.0.0.1', limits, now);
  presence.handleAwareness(stay, entry(1, 1, state('stays')), now);

  // 1,000 visitors come and go, one every second.
  for (let i = 0; i < 1000; i++) {
    const visitor = new Connection(100 + i, new FakeSocket(), OPEN_ACCESS, '127.0.0.1', limits, now);
    presence.handleAwareness(visitor, entry(1000 + i, 1, state(`visitor ${i}`)), now);
    visitor.close(CloseCode.GoingAway, 'bye');
    presence.leave(visitor);
    now += 1000;
  }
  // Only the last 10 minutes of visitors are remembered, plus the one who stayed.
  const window = FORGET_REMOVED_AFTER_MS / 1000;
  assert.ok(presence.size <= window + 2, `${presence.size} records for ${window} recent visitors and 1 live client`);
  assert.ok(presence.size >= window - 1, `recently removed states are kept (${presence.size})`);
  assert.match(snapshotText(presence), /stays/, 'the live state is kept');

  // A visitor's ID that was freed and then taken again is not forgotten while it is owned.
  const back = new Connection(5000, new FakeSocket(), OPEN_ACCESS, '127.0.0.1', limits, now);
  presence.handleAwareness(back, entry(1999, 5, state('back')), now); // the last visitor's ID, taken again
  now += 2 * FORGET_REMOVED_AFTER_MS;
  const another = new Connection(5001, new FakeSocket(), OPEN_ACCESS, '127.0.0.1', limits, now);
  presence.handleAwareness(another, entry(7, 1, state('another')), now);
  another.close(CloseCode.GoingAway, 'bye');
  presence.leave(another); // runs the forgetting
  const text = snapshotText(presence);
  assert.match(text, /back/);
  assert.match(text, /stays/);
  assert.equal(presence.size, 3, 'stays, back and the just-removed one');
});
