// Guards MAX_AWARENESS_BYTES: a 2 MiB presence name used to be relayed to every peer of the
// document (and replayed to each joiner). A larger state is never kept or relayed; its sender
// is closed with 1009.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAwareness } from '../../src/protocol/messages.js';
import { cleanup, closeCode, connect, rawSocket, startTestServer, waitFor } from '../helpers.js';

test('an awareness state over MAX_AWARENESS_BYTES is dropped and its sender closed with 1009', async () => {
  const ts = await startTestServer({ MAX_AWARENESS_BYTES: '65536' });
  const peer = connect(ts.url, 'presence');
  await peer.synced;
  const huge = await rawSocket(ts.url, 'presence');
  const closed = closeCode(huge);
  const json = JSON.stringify({ user: { name: 'x'.repeat(2 * 1024 * 1024) } });
  huge.send(encodeAwareness([{ clientId: 424242, clock: 1, json }]));
  assert.equal((await closed).code, 1009);
  // A normal state from another raw peer still goes through, and the huge one never did.
  const fine = await rawSocket(ts.url, 'presence');
  fine.send(encodeAwareness([{ clientId: 515151, clock: 1, json: JSON.stringify({ user: { name: 'Fine' } }) }]));
  await waitFor(() => peer.provider.awareness.getStates().has(515151), { what: 'the normal state' });
  assert.ok(!peer.provider.awareness.getStates().has(424242), 'the huge state was never relayed');
  const joiner = connect(ts.url, 'presence');
  await joiner.synced;
  await waitFor(() => joiner.provider.awareness.getStates().has(515151), { what: 'the joiner to get the states' });
  assert.ok(!joiner.provider.awareness.getStates().has(424242), 'nor kept for joiners');
  fine.terminate();
  peer.destroy();
  joiner.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
