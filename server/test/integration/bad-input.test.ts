// Malformed, unknown and oversized input closes that connection only, changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as encoding from 'lib0/encoding';
import { cleanup, type Client, closeCode, connect, rawSocket, roomText, startTestServer, type TestServer, upgradeStatus, waitFor } from '../helpers.js';

let ts: TestServer;
let owner: Client;
let closes = 0;
before(async () => {
  ts = await startTestServer({ MAX_MESSAGE_BYTES: '4096' });
  owner = connect(ts.url, 'target');
  owner.provider.on('connection-close', () => closes++);
  await owner.synced;
  owner.text.insert(0, 'precious');
  await waitFor(() => roomText(ts, 'target') === 'precious', { what: 'stored' });
});
after(async () => {
  owner.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});

function frame(...parts: Array<number | Uint8Array>): Uint8Array {
  const e = encoding.createEncoder();
  for (const p of parts) {
    if (typeof p === 'number') encoding.writeVarUint(e, p);
    else encoding.writeVarUint8Array(e, p);
  }
  return encoding.toUint8Array(e);
}

// [what, frame, close code, counted as an invalid message]: only frames that reach the decoder
// are counted; a text frame is refused before decoding and an oversized one by ws itself.
const cases: Array<[string, Uint8Array | string, number, boolean]> = [
  ['a text frame', 'hello', 1003, false],
  ['an unknown message type', frame(42), 1003, true],
  ['an unknown sync type', frame(0, 9, new Uint8Array(2)), 1003, true],
  ['an empty frame', new Uint8Array(0), 1007, true],
  ['a truncated varint', new Uint8Array([0xff, 0xff]), 1007, true],
  ['an update whose length runs past the end', new Uint8Array([0, 2, 100, 0, 0]), 1007, true],
  ['an update with a garbage body', frame(0, 2, new Uint8Array([5, 200, 1, 2, 3, 4, 5, 6])), 1007, true],
  ['a valid update followed by garbage', new Uint8Array([...frame(0, 2, new Uint8Array([0, 0])), 7, 7]), 1007, true],
  ['a sync step 2 with a bad tail inside the update', frame(0, 1, new Uint8Array([1, 1, 0x80, 0x80, 0x80])), 1007, true],
  ['awareness that is not JSON', frame(1, new Uint8Array([1, 5, 1, 3, 0x7b, 0x7b, 0x7b])), 1007, true],
  ['an oversized frame', new Uint8Array(5000).fill(1), 1009, false],
  // Decodes whole (Y.decodeUpdate) but throws inside Y.applyUpdate (Item.getMissing): it used to
  // reject out of the batch and take the process down, and stay stored, breaking the document.
  ['an update that decodes but does not apply', Buffer.from('AAJeAgKAt4fCCAAEAPH///8HARhzYW1wbGUgdGV4dCBmb3IgbXV0YXRpb24oAQFtAWsBdQN9AX1XfQMC8f///wcABwEHZGVCYXVsdAMJcGFyYWdyYXBoBwDx////ByIGAA==', 'base64'), 1007, true],
];

const INVALID = 'tandem_messages_received_total{type="invalid"}';
const closedWith = (code: number) => `tandem_connections_closed_total{code="${code}"}`;

for (const [what, data, code, counted] of cases) {
  test(`${what} closes with ${code}, is counted, and touches nothing`, async () => {
    const invalidBefore = await ts.metric(INVALID);
    const closedBefore = await ts.metric(closedWith(code));
    const ws = await rawSocket(ts.url, 'target');
    const closed = closeCode(ws);
    ws.send(data);
    const { code: got, reason } = await closed;
    assert.equal(got, code);
    if (code !== 1009) assert.ok(reason.length > 0, 'a reason is given');
    // The server counts the close when its side of the socket is gone, a moment after ours.
    await waitFor(async () => (await ts.metric(closedWith(code))) === closedBefore + 1, { what: `the ${code} close to be counted` });
    assert.equal(await ts.metric(INVALID), invalidBefore + (counted ? 1 : 0), 'invalid messages counted');
    assert.equal(roomText(ts, 'target'), 'precious');
    assert.equal(owner.text.toString(), 'precious');
    assert.equal(closes, 0, 'the well-behaved client was never disconnected');
  });
}

test('names that are empty, too long, with control characters or bad escapes get HTTP 400', async () => {
  const bad = ['/', '/' + 'a'.repeat(513), '/' + encodeURIComponent('é'.repeat(257)), '/a%01b', '/a%7Fb', '/%E0%A4%A', '/%C3%28', '/%ZZ'];
  for (const path of bad) assert.equal(await upgradeStatus(ts.url, path), 400, path.slice(0, 40));
  assert.equal(await upgradeStatus(ts.url, '/' + 'a'.repeat(512)), 101);
  assert.equal(await upgradeStatus(ts.url, '/' + encodeURIComponent('é'.repeat(256))), 101);
});

test('the process and the document are fine afterwards', async () => {
  const c = connect(ts.url, 'target');
  await c.synced;
  assert.equal(c.text.toString(), 'precious');
  c.text.insert(8, '!');
  await waitFor(() => owner.text.toString() === 'precious!', { what: 'live edit' });
  c.destroy();
  assert.equal(await ts.metric(INVALID), cases.filter(([, , , counted]) => counted).length, 'nothing else was counted as invalid');
});
