// Guards hardening item "the oversize allowance only for the first sync" (issue 27): with nothing
// queued, any message larger than MAX_BUFFERED_BYTES went, so a connection could have the whole of
// a large document sent to it again and again (a sync step 1 with an empty state vector, each time
// it had read the last one), or a diff of its own as large. Now only the join's first sync, the
// whole document encoded once for every joiner, passes the cap (and updates sent to every peer,
// encoded once for all of them); a first sync whose diff would pass it gets that whole instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { encodeSyncStep1 } from '../../src/protocol/messages.js';
import { cleanup, closeCode, connect, rawSocket, roomText, startTestServer, waitFor } from '../helpers.js';

const SIZE = 400_000; // six times the cap below

test('past MAX_BUFFERED_BYTES only the first sync goes: asking for the whole document again closes with 1013', async () => {
  const ts = await startTestServer({ MAX_BUFFERED_BYTES: '65536', RATE_LIMIT_BYTES_BURST: '10000000' });
  const writer = connect(ts.url, 'again');
  await writer.synced;
  writer.text.insert(0, 'start ');
  await waitFor(() => roomText(ts, 'again') === 'start ', { what: 'the first edit stored' });
  const before = Y.encodeStateAsUpdate(writer.doc); // what a client that left then holds
  writer.text.insert(6, 'L'.repeat(SIZE));
  await waitFor(() => roomText(ts, 'again')?.length === SIZE + 6, { what: 'the large edit stored' });

  const raw = await rawSocket(ts.url, 'again');
  const closed = Promise.race([closeCode(raw), new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 5000))]);
  const whole = () => raw.received.filter((m) => m.length > SIZE).length;
  raw.send(encodeSyncStep1(new Uint8Array([0])));
  await waitFor(() => whole() === 1, { what: 'the first sync, past the cap' });
  raw.send(encodeSyncStep1(new Uint8Array([0]))); // nothing is queued: it has read all of it
  assert.equal((await closed).code, 1013);
  assert.equal(whole(), 1, 'the whole document went once');

  // A client coming back far behind: its diff would pass the cap, so its first sync is the shared whole.
  const doc = new Y.Doc();
  Y.applyUpdate(doc, before);
  const back = connect(ts.url, 'again', { doc });
  await back.synced;
  assert.equal(back.text.length, SIZE + 6);
  assert.equal(await ts.metric('tandem_connections_closed_total{code="1013"}'), 1, 'only the one that asked twice');
  back.destroy();
  writer.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
