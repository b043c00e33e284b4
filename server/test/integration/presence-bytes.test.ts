// Guards hardening item "presence bytes bounded per room" (issue 27): MAX_AWARENESS_BYTES bounded
// one state and MAX_AWARENESS_IDS the IDs of one connection, but nothing bounded a document's
// presence as a whole (a thousand readers × 4 IDs × 64 KiB, kept in the room and sent to every
// joiner). MAX_PRESENCE_BYTES bounds the sum: the state that would pass it is neither kept nor
// relayed, and its sender is closed with 1013, since the document has room again once others leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awarenessFrame, cleanup, closeCode, connect, rawSocket, startTestServer, waitFor, type Client } from '../helpers.js';

const has = (c: Client, clientId: number) => c.provider.awareness.getStates().has(clientId);
const padded = (name: string) => ({ user: { name }, pad: 'x'.repeat(3000) }); // ~3 KB once stamped

test('a state that would take a document past MAX_PRESENCE_BYTES is dropped and its sender closed with 1013', async () => {
  const ts = await startTestServer({ MAX_AWARENESS_BYTES: '4096', MAX_PRESENCE_BYTES: '8192' });
  const watcher = connect(ts.url, 'crowd');
  await watcher.synced;
  const a = await rawSocket(ts.url, 'crowd');
  a.send(awarenessFrame(1001, 1, padded('a')));
  const b = await rawSocket(ts.url, 'crowd');
  b.send(awarenessFrame(1002, 1, padded('b')));
  await waitFor(() => has(watcher, 1001) && has(watcher, 1002), { what: 'two states within the bound' });

  const c = await rawSocket(ts.url, 'crowd');
  const closed = Promise.race([closeCode(c), new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 5000))]);
  c.send(awarenessFrame(1003, 1, padded('c'))); // one state more than the document keeps
  assert.equal((await closed).code, 1013);
  assert.equal(await ts.metric('tandem_connections_closed_total{code="1013"}'), 1);

  // Never relayed, nor kept for joiners; the states within the bound are.
  const joiner = connect(ts.url, 'crowd');
  await joiner.synced;
  await waitFor(() => has(joiner, 1001) && has(joiner, 1002), { what: 'the kept states at the joiner' });
  assert.ok(!has(watcher, 1003) && !has(joiner, 1003), 'the state past the bound went nowhere');

  // A connection renewing its own state at the same size is not refused; and once someone
  // leaves, the document has room again.
  a.send(awarenessFrame(1001, 2, padded('A')));
  await waitFor(() => (watcher.provider.awareness.getStates().get(1001) as { user?: { name?: string } } | undefined)?.user?.name === 'A', { what: 'a renewed state' });
  b.terminate();
  await waitFor(() => !has(watcher, 1002), { what: 'the state of the one who left removed' });
  const d = await rawSocket(ts.url, 'crowd');
  d.send(awarenessFrame(1004, 1, padded('d')));
  await waitFor(() => has(watcher, 1004), { what: 'room again after a departure' });

  for (const ws of [a, d]) ws.terminate();
  watcher.destroy();
  joiner.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
