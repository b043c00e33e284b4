// Guards issue 28's join storm: 150 clients joining a 20 MB document at once. The first sync was
// one buffer for all of them, but the server-wide output budget (MAX_TOTAL_BUFFERED_BYTES)
// counted it once per socket: 25 joiners of a 20 MB document passed 512 MiB and the other 125
// were cut with 1013. Now the bytes every joiner shares count once, and the whole document is
// encoded once for every joiner at the same state, on a cold load (joiners waiting while it is
// read from disk) as on a warm one (tandem_first_sync_encodings_total counts the encodings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSyncStep1 } from '../../src/protocol/messages.js';
import { cleanup, connect, rawSocket, roomText, startTestServer, waitFor, type RawSocket, type TestServer } from '../helpers.js';

const MIB = 1024 * 1024;
const SIZE = 6 * MIB;
const JOINERS = 12; // 72 MiB of first syncs if counted per socket, against a budget of 16 MiB

const metric = {
  encodings: 'tandem_first_sync_encodings_total',
  steps1: 'tandem_messages_received_total{type="sync_step1"}',
  cut: 'tandem_connections_closed_total{code="1013"}',
};

/** Joiners that ask for the whole document at once and read nothing until `resume`. */
async function storm(ts: TestServer): Promise<RawSocket[]> {
  const joiners = await Promise.all(Array.from({ length: JOINERS }, () => rawSocket(ts.url, 'storm')));
  for (const ws of joiners) {
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    ws.send(encodeSyncStep1(new Uint8Array([0])));
  }
  return joiners;
}

/** Every joiner reads again and gets the whole document. */
async function resume(joiners: RawSocket[]): Promise<void> {
  for (const ws of joiners) (ws as unknown as { _socket: { resume(): void } })._socket.resume();
  const whole = (ws: RawSocket) => ws.received.some((m) => m[0] === 0 && m[1] === 1 && m.length > SIZE);
  await waitFor(() => joiners.every(whole), { timeoutMs: 60_000, what: 'every joiner has the whole document' });
}

test('a join storm on a warm and on a cold document: one encoding for all, nobody cut for sharing it', async () => {
  let ts = await startTestServer({ MAX_TOTAL_BUFFERED_BYTES: String(16 * MIB) });
  const writer = connect(ts.url, 'storm');
  await writer.synced;
  writer.text.insert(0, 'j'.repeat(SIZE));
  await waitFor(() => roomText(ts, 'storm')?.length === SIZE, { timeoutMs: 20_000, what: 'the document stored' });
  writer.destroy(); // nobody changes it from here on

  // Warm: the document is open.
  const before = await ts.metric(metric.encodings);
  const warm = await storm(ts);
  await waitFor(async () => (await ts.metric(metric.steps1)) >= JOINERS + 1, { what: 'every joiner answered' });
  assert.equal((await ts.metric(metric.encodings)) - before, 1, 'one encoding for the warm storm');
  assert.equal(await ts.metric(metric.cut), 0, 'nobody cut at the total budget');
  await resume(warm);
  for (const ws of warm) ws.terminate();

  // Cold: the joiners wait while the document is read from disk.
  ts = await ts.restart();
  const cold = await storm(ts);
  await waitFor(async () => (await ts.metric(metric.steps1)) >= JOINERS, { what: 'every joiner answered' });
  assert.equal(await ts.metric(metric.encodings), 1, 'one encoding for the cold storm');
  assert.equal(await ts.metric(metric.cut), 0, 'nobody cut at the total budget');
  assert.equal(await ts.metric('tandem_connections'), JOINERS);
  await resume(cold);
  for (const ws of cold) ws.terminate();
  await ts.stop();
  cleanup(ts.dataDir);
});
