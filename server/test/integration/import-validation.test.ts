// Guards hardening item 8: a Yjs update imported with PUT …/import skipped validateUpdate (only
// Y.decodeUpdate ran), so an update the WebSocket refuses with 1007 (one that refers ahead of its
// own client and throws half-way through Y.applyUpdate) was stored through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { validateUpdate } from '../../src/protocol/messages.js';
import { api, doc, setParagraphs } from '../api.js';
import { type TestServer, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

// The sample of test/rooms/unappliable.test.ts: decodes, refers ahead of its own client.
const POISON = Buffer.from('AAJeAgKAt4fCCAAEAPH///8HARhzYW1wbGUgdGV4dCBmb3IgbXV0YXRpb24oAQFtAWsBdQN9AX1XfQMC8f///wcABwEHZGVCYXVsdAMJcGFyYWdyYXBoBwDx////ByIGAA==', 'base64').subarray(3);

test('a Yjs import passes the WebSocket\'s validateUpdate: refused with 400, nothing stored', async () => {
  Y.decodeUpdate(POISON); // decodes…
  assert.throws(() => validateUpdate(POISON)); // …but the WebSocket refuses it
  const name = 'import/poison';
  const put = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'application/vnd.yjs.doc', body: POISON });
  assert.equal(put.status, 400, put.text);
  assert.equal(put.json.error, 'bad_content');
  assert.match(put.json.reason, /refers ahead/);
  assert.equal((await api(ts, 'GET', doc(name))).status, 404, 'nothing was stored');

  // A valid update still imports.
  const good = new Y.Doc();
  setParagraphs(good, ['fine']);
  const ok = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'application/vnd.yjs.doc', body: Y.encodeStateAsUpdate(good) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text, 'fine\n');
});
