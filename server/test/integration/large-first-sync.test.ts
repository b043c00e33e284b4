// Guards what MAX_BUFFERED_BYTES bounds: the backlog queued *behind* the message being written.
// A joiner of a document larger than the cap used to be closed with 1013 on its first sync and
// reconnect forever, and one large update (a restore, an import, a paste) disconnected every peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, connect, startTestServer, waitFor } from '../helpers.js';

test('a first sync and a broadcast larger than MAX_BUFFERED_BYTES go through when nothing else is queued', async () => {
  const ts = await startTestServer({ MAX_BUFFERED_BYTES: '65536', RATE_LIMIT_BYTES_BURST: '10000000' });
  const writer = connect(ts.url, 'large');
  const peers = [connect(ts.url, 'large'), connect(ts.url, 'large')];
  await Promise.all([writer.synced, ...peers.map((p) => p.synced)]);
  writer.text.insert(0, 'L'.repeat(400_000)); // one update six times the cap, to every peer
  await waitFor(() => peers.every((p) => p.text.length === 400_000), { what: 'the large update at every peer' });
  const joiner = connect(ts.url, 'large');
  await joiner.synced;
  assert.equal(joiner.text.length, 400_000);
  assert.equal(await ts.metric('tandem_connections_closed_total{code="1013"}'), 0);
  for (const c of [writer, joiner, ...peers]) c.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
