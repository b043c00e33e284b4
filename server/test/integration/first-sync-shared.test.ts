// Guards hardening item "the first sync shared by all joiners" (issue 27): the whole-document
// encoding of a large document was kept for 200 ms only, so joiners that came a little apart each
// got their own copy, and a joiner that does not read pins its copy: a thousand of them, a
// thousand copies. Now the encoding is one buffer shared by every joiner while the document is
// unchanged; past its first moments it is held only through the sockets still sending it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeSyncStep1 } from '../../src/protocol/messages.js';
import { cleanup, connect, rawSocket, roomText, startTestServer, waitFor, type RawSocket } from '../helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MIB = 1024 * 1024;
const SIZE = 12 * MIB; // past MAX_BUFFERED_BYTES (8 MiB): the first sync goes on its allowance
const JOINERS = 10;

function buffersAfterGc(): number {
  gc();
  return process.memoryUsage().arrayBuffers;
}

test('joiners of a large document that arrive apart and never read hold one copy of it, not one each', async () => {
  const ts = await startTestServer();
  const writer = connect(ts.url, 'shared');
  await writer.synced;
  writer.text.insert(0, 's'.repeat(SIZE));
  await waitFor(() => roomText(ts, 'shared')?.length === SIZE, { timeoutMs: 20_000, what: 'the document stored' });
  writer.destroy(); // nobody changes it from here on
  await new Promise((r) => setTimeout(r, 300));

  const base = buffersAfterGc();
  const stalled: RawSocket[] = [];
  for (let i = 0; i < JOINERS; i++) {
    const ws = await rawSocket(ts.url, 'shared');
    (ws as unknown as { _socket: { pause(): void } })._socket.pause(); // asks for everything, reads nothing
    ws.send(encodeSyncStep1(new Uint8Array([0])));
    stalled.push(ws);
    await new Promise((r) => setTimeout(r, 300)); // past the moment the encoding is held for a burst
  }
  const held = buffersAfterGc() - base;
  // One copy (12 MiB, partly in the kernel's socket buffers) and change; one each was over 60 MiB.
  assert.ok(held < 3 * SIZE, `${(held / MIB).toFixed(1)} MiB held by ${JOINERS} stalled joiners of a ${SIZE / MIB} MiB document`);
  assert.equal(await ts.metric('tandem_connections'), JOINERS);
  for (const ws of stalled) ws.terminate();
  await ts.stop();
  cleanup(ts.dataDir);
});
