import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, connect, rawSocket, startTestServer, waitFor } from '../helpers.js';

test('a client that stops reading is closed at the output cap while the others go on', async () => {
  const ts = await startTestServer({ MAX_BUFFERED_BYTES: '262144', RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' });
  const writer = connect(ts.url, 'slow');
  const reader = connect(ts.url, 'slow');
  await Promise.all([writer.synced, reader.synced]);
  const stalled = await rawSocket(ts.url, 'slow');
  (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
  const chunk = 'z'.repeat(64 * 1024);
  const capped = async () => (await ts.metric('tandem_connections_closed_total{code="1013"}')) === 1;
  // Enough to fill the kernel's socket buffers on both sides, then the cap.
  let sent = 0;
  while (sent < 400 && !(await capped())) {
    for (let i = 0; i < 10; i++, sent++) writer.text.insert(writer.text.length, chunk);
    await new Promise((r) => setTimeout(r, 5));
  }
  await waitFor(capped, { timeoutMs: 10_000, what: 'the stalled socket closed with 1013' });
  await waitFor(() => reader.text.length === sent * chunk.length, { timeoutMs: 20_000, what: 'the reader got everything' });
  assert.equal(await ts.metric('tandem_connections'), 2);
  stalled.terminate();
  writer.destroy();
  reader.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
