// Guards hardening item 1 (issue 27), memory exhaustion by a reader: one connection could
// introduce any number of awareness client IDs (64 KiB each, kept in the room and copied into
// every joiner's snapshot), and an unsolicited pong kept a socket that never reads alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { encodeAwareness } from '../../src/protocol/messages.js';
import { awarenessFrame, closeCode, connect, rawSocket, waitFor, type TestServer, useTestServer } from '../helpers.js';

const PING_MS = 200;
let ts: TestServer;
useTestServer((started) => (ts = started), { MAX_AWARENESS_IDS: '3', PING_INTERVAL_MS: String(PING_MS) });

function names(c: ReturnType<typeof connect>): string[] {
  return [...c.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name ?? '').filter(Boolean).sort();
}

test('a connection introducing more awareness client IDs than MAX_AWARENESS_IDS is closed with 1008', async () => {
  const watcher = connect(ts.url, 'mem/ids');
  const raw = await rawSocket(ts.url, 'mem/ids');
  const closed = closeCode(raw);
  for (let id = 1; id <= 3; id++) raw.send(awarenessFrame(id, 1, { user: { name: `tab ${id}` } }));
  await waitFor(() => names(watcher).length === 3, { what: 'three IDs accepted' });
  raw.send(awarenessFrame(2, 2, { user: { name: 'tab 2 renewed' } })); // its own IDs may change freely
  raw.send(encodeAwareness([4, 5, 6].map((id) => ({ clientId: id, clock: 1, json: JSON.stringify({ user: { name: `extra ${id}` } }) }))));
  const { code, reason } = await closed;
  assert.equal(code, 1008);
  assert.match(reason, /MAX_AWARENESS_IDS/);
  // Also guards the ghost this exposed: the watcher echoing a state it heard just before the
  // removal (y-websocket re-sends every change) used to bring that state back, owned by the watcher.
  await waitFor(() => names(watcher).length === 0, { what: 'its states removed when it closed' });
  watcher.destroy();
});

test('unsolicited pongs do not keep a socket that never answers pings alive', async () => {
  const ws = new WebSocket(`${ts.url}/mem%2Fpongs`, { autoPong: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const pongs = setInterval(() => ws.pong(Buffer.from('alive')), 20);
  const started = Date.now();
  try {
    await closed;
  } finally {
    clearInterval(pongs);
  }
  assert.ok(Date.now() - started < 6 * PING_MS + 1000, 'dropped within a few ping intervals');
});

test('a peer that answers pings stays', async () => {
  const a = connect(ts.url, 'mem/answers');
  await a.synced;
  await new Promise((r) => setTimeout(r, 5 * PING_MS));
  assert.equal(a.provider.wsconnected, true);
  a.destroy();
});
