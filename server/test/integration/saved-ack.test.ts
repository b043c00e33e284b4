// Guards the saved acknowledgement (?acks=1, message type 100): "All changes saved" must mean
// on the server's disk. The server tells a client the durable clock of every client ID it sent,
// only after the batch holding its updates was written; the moment the acknowledged clock
// reaches the client's own, a kill -9 must lose nothing. Unmodified clients never get type 100.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { decodeSaved, MessageType } from '../../src/protocol/messages.js';
import { cleanup, connect, spawnServer, tempDir, waitFor } from '../helpers.js';

test('acks carry durable clocks; what was acknowledged survives kill -9; plain clients get no type 100', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  let server = await spawnServer({ DATA_DIR: dataDir });
  const acked = new Map<number, number>();
  const writer = connect(server.url, 'saved', { params: { acks: '1' } });
  // y-websocket dispatches by message type; 100 is Tandem's (what the editor registers too).
  (writer.provider as unknown as { messageHandlers: unknown[] }).messageHandlers[MessageType.Saved] = (
    _encoder: unknown, decoder: { arr: Uint8Array },
  ) => {
    for (const [id, clock] of decodeSaved(decoder.arr)) acked.set(id, clock);
  };
  const plain = connect(server.url, 'saved');
  let plainGotSaved = 0;
  plain.provider.ws?.addEventListener('message', (e: { data: unknown }) => {
    const bytes = new Uint8Array(e.data as ArrayBuffer);
    if (bytes[0] === MessageType.Saved) plainGotSaved++;
  });
  await Promise.all([writer.synced, plain.synced]);

  for (let round = 0; round < 5; round++) {
    writer.text.insert(writer.text.length, `round ${round} `.repeat(1 + Math.floor(Math.random() * 200)));
    const mine = Y.getState(writer.doc.store, writer.doc.clientID);
    await waitFor(() => (acked.get(writer.doc.clientID) ?? 0) >= mine, { what: `round ${round} acknowledged` });
  }
  const text = writer.text.toString();
  await waitFor(() => plain.text.toString() === text, { what: 'the plain client to have it all' });
  assert.equal(plainGotSaved, 0, 'an unmodified client never receives type 100');

  writer.destroy();
  plain.destroy();
  await server.kill('SIGKILL');
  server = await spawnServer({ DATA_DIR: dataDir });
  const reader = connect(server.url, 'saved');
  await reader.synced;
  assert.equal(reader.text.toString(), text);
  reader.destroy();
  await server.kill('SIGTERM');
  cleanup(dataDir);
});
