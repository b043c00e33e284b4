// Guards hardening item 1 (issue 27): MAX_BUFFERED_BYTES bounded each connection's backlog, but
// not the sum. A large first sync is allowed past the per-connection cap, so sockets that ask for
// it and never read each pinned a copy: a thousand of them, a thousand copies. The server-wide
// budget MAX_TOTAL_BUFFERED_BYTES now cuts the largest backlogs first (1013).
// Since issue 28 the bytes every joiner shares (the whole document's first sync) count once, not
// per socket (see join-storm.test.ts): the sockets here each ask for a diff made for them alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as encoding from 'lib0/encoding';
import { encodeSyncStep1 } from '../../src/protocol/messages.js';
import { cleanup, connect, rawSocket, startTestServer, waitFor, type RawSocket } from '../helpers.js';

const MIB = 1024 * 1024;

test('past MAX_TOTAL_BUFFERED_BYTES the connections with the largest backlogs are closed (1013); readers go on', async () => {
  // The per-connection cap set out of the way: only the total budget can cut anyone here.
  const ts = await startTestServer({ MAX_TOTAL_BUFFERED_BYTES: String(8 * MIB), MAX_BUFFERED_BYTES: String(64 * MIB) });
  const writer = connect(ts.url, 'big');
  await writer.synced;
  writer.text.insert(0, 'x'.repeat(6 * MIB)); // each first sync: 6 MiB, partly held by the kernel, the rest by us
  await waitFor(async () => (await ts.metric('tandem_bytes_received_total')) > 6 * MIB, { what: 'the document stored' });
  const closed = () => ts.metric('tandem_connections_closed_total{code="1013"}');

  // A state vector naming the writer's client at clock 1: the answer is a diff of its own (all but one character).
  const sv = encoding.createEncoder();
  encoding.writeVarUint(sv, 1);
  encoding.writeVarUint(sv, writer.doc.clientID);
  encoding.writeVarUint(sv, 1);
  const stalled: RawSocket[] = [];
  for (let i = 0; i < 8 && (await closed()) === 0; i++) {
    const ws = await rawSocket(ts.url, 'big');
    (ws as unknown as { _socket: { pause(): void } })._socket.pause(); // asks for its own copy, reads nothing
    ws.send(encodeSyncStep1(encoding.toUint8Array(sv)));
    stalled.push(ws);
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitFor(async () => (await closed()) >= 1, { what: 'a stalled socket cut at the total budget' });
  // One that reads still gets the whole document.
  const reader = connect(ts.url, 'big');
  await waitFor(() => reader.text.length === 6 * MIB, { timeoutMs: 20_000, what: 'a reader gets the document' });
  assert.ok((await ts.metric('tandem_connections')) >= 2);
  for (const ws of stalled) ws.terminate();
  reader.destroy();
  writer.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
