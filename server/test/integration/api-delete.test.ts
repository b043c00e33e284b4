// DELETE /api/docs/<name> removes the document and its versions; its connected peers are closed
// with 4404 (no reconnect), and the name then opens an empty document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc, setParagraphs } from '../api.js';
import { closeCode, connect, rawSocket, waitFor, type TestServer, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

test('delete closes peers with 4404 and removes content and versions', async () => {
  const name = 'trash/me';
  const writer = connect(ts.url, name);
  await writer.synced;
  setParagraphs(writer.doc, ['to be deleted']);
  await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text === 'to be deleted\n');
  assert.equal((await api(ts, 'POST', `${doc(name)}/versions`, { body: '{"name":"keep?"}', type: 'application/json' })).status, 201);
  writer.destroy();

  const watcher = await rawSocket(ts.url, name);
  const closed = closeCode(watcher);
  const del = await api(ts, 'DELETE', doc(name));
  assert.equal(del.status, 204, del.text);
  assert.deepEqual(await closed, { code: 4404, reason: 'document deleted' });

  assert.equal((await api(ts, 'GET', doc(name))).status, 404);
  assert.equal((await api(ts, 'GET', `${doc(name)}/versions`)).status, 404);
  assert.equal((await api(ts, 'DELETE', doc(name))).json.error, 'not_found');
  const list = await api(ts, 'GET', 'docs');
  assert.ok(!list.json.documents.some((d: { name: string }) => d.name === name));
  // The name is free again: a new peer finds an empty document.
  const fresh = connect(ts.url, name);
  await fresh.synced;
  assert.equal(fresh.doc.getXmlFragment('default').length, 0);
  fresh.destroy();
});
