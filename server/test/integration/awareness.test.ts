import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import { awarenessFrame, connect, rawSocket, type RawSocket, waitFor, type TestServer, useTestServer } from '../helpers.js';

const PING_MS = 300;
let ts: TestServer;
useTestServer((started) => (ts = started), { PING_INTERVAL_MS: String(PING_MS) });

function names(c: ReturnType<typeof connect>): string[] {
  return [...c.provider.awareness.getStates().values()]
    .map((s) => (s as { user?: { name?: string } }).user?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
}


/** Collects the awareness states a raw socket hears, by client ID. */
function listen(ws: RawSocket): Map<number, unknown> {
  const seen = new Map<number, unknown>();
  const handle = (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) !== 1) return;
    const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
    const n = decoding.readVarUint(inner);
    for (let i = 0; i < n; i++) {
      const id = decoding.readVarUint(inner);
      decoding.readVarUint(inner);
      const state: unknown = JSON.parse(decoding.readVarString(inner));
      if (state === null) seen.delete(id);
      else seen.set(id, state);
    }
  };
  ws.received.forEach(handle);
  ws.on('message', handle);
  return seen;
}

test('awareness arrives, and the sender hears its own state back', async () => {
  const a = connect(ts.url, 'aw-basic');
  const b = connect(ts.url, 'aw-basic');
  a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  b.provider.awareness.setLocalStateField('user', { name: 'Bob' });
  await waitFor(() => names(a).join() === 'Ada,Bob' && names(b).join() === 'Ada,Bob', { what: 'both names' });
  const raw = await rawSocket(ts.url, 'aw-basic');
  const seen = listen(raw);
  raw.send(awarenessFrame(424242, 1, { user: { name: 'Raw' } }));
  await waitFor(() => seen.get(424242), { what: 'own state echoed' });
  await waitFor(() => names(a).includes('Raw'), { what: 'raw state at a' });
  raw.close();
  a.destroy();
  b.destroy();
});

test('states are removed at once when a socket is terminated', async () => {
  const a = connect(ts.url, 'aw-term');
  const b = connect(ts.url, 'aw-term');
  a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  b.provider.awareness.setLocalStateField('user', { name: 'Bob' });
  await waitFor(() => names(a).join() === 'Ada,Bob', { what: 'both' });
  // Cut the TCP connection without a close frame and without y-websocket's goodbye message.
  b.provider.shouldConnect = false;
  (b.provider.ws as unknown as { terminate(): void }).terminate();
  await waitFor(() => names(a).join() === 'Ada', { timeoutMs: 2000, what: 'Bob removed' });
  a.destroy();
  b.destroy();
});

test('a peer that goes silent is dropped, with its presence, within two ping intervals', async () => {
  const a = connect(ts.url, 'aw-silent');
  a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  const raw = await rawSocket(ts.url, 'aw-silent');
  raw.send(awarenessFrame(777, 1, { user: { name: 'Silent' } }));
  await waitFor(() => names(a).includes('Silent'), { what: 'silent peer present' });
  const pausedAt = Date.now();
  (raw as unknown as { _socket: { pause(): void } })._socket.pause(); // no reads, so no pongs
  await waitFor(() => !names(a).includes('Silent'), { timeoutMs: 4 * PING_MS + 2000, intervalMs: 5, what: 'silent peer removed' });
  const took = Date.now() - pausedAt;
  assert.ok(took <= 2 * PING_MS + 150, `removed after ${took} ms, more than 2 × ${PING_MS} ms`);
  raw.terminate();
  a.destroy();
});

test('a peer cannot change or erase another peer\'s state', async () => {
  const a = connect(ts.url, 'aw-owner');
  a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  const watcher = connect(ts.url, 'aw-owner');
  await waitFor(() => names(watcher).includes('Ada'), { what: 'Ada' });
  const id = a.doc.clientID;
  const clock = 1000;
  const attacker = await rawSocket(ts.url, 'aw-owner');
  attacker.send(awarenessFrame(id, clock, { user: { name: 'Mallory' } }));
  attacker.send(awarenessFrame(id, clock + 1, null));
  // A marker from the attacker's own ID proves the earlier frames were processed.
  attacker.send(awarenessFrame(31337, 1, { user: { name: 'Marker' } }));
  await waitFor(() => names(watcher).includes('Marker'), { what: 'marker' });
  assert.deepEqual(names(watcher), ['Ada', 'Marker']);
  assert.deepEqual(names(a), ['Ada', 'Marker']);
  attacker.close();
  a.destroy();
  watcher.destroy();
});

test('a client reconnecting with its old ID gets its presence back', async () => {
  const a = connect(ts.url, 'aw-reconnect');
  a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  const watcher = connect(ts.url, 'aw-reconnect');
  await waitFor(() => names(watcher).includes('Ada'), { what: 'Ada' });
  a.provider.disconnect();
  await waitFor(() => !names(watcher).includes('Ada'), { what: 'Ada gone' });
  a.provider.connect(); // same Y.Doc, same client ID, same (not newer) local clock
  await waitFor(() => names(watcher).includes('Ada'), { timeoutMs: 3000, what: 'Ada back' });
  a.destroy();
  watcher.destroy();
});

test('query-awareness is answered with every current state', async () => {
  const a = connect(ts.url, 'aw-query');
  a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  const b = connect(ts.url, 'aw-query');
  b.provider.awareness.setLocalStateField('user', { name: 'Bob' });
  await waitFor(() => names(a).join() === 'Ada,Bob', { what: 'both' });
  const raw = await rawSocket(ts.url, 'aw-query');
  const seen = listen(raw);
  await waitFor(() => seen.size === 2, { what: 'states on connect' });
  seen.clear();
  raw.send(new Uint8Array([3]));
  await waitFor(() => seen.size === 2, { what: 'states after query' });
  raw.close();
  a.destroy();
  b.destroy();
});
