// Import through the HTTP API is a change like a peer's: a connected client sees it live, and
// the export gives back what was imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, blocks, doc, setParagraphs } from '../api.js';
import { connect, waitFor, type TestServer, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

test('Markdown imported with PUT …/import reaches a connected peer live; export gives it back', async () => {
  const name = 'notes/import live';
  const peer = connect(ts.url, name);
  await peer.synced;
  setParagraphs(peer.doc, ['old text']);
  await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text === 'old text\n', { what: 'the peer edit stored' });

  const put = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/markdown; charset=utf-8', body: '# Plan\n\n- one\n- two\n\nSee **this**.\n' });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.peers, 1);
  // 200 means the peers were sent it: it is there at once, or within a tick of the socket.
  await waitFor(() => blocks(peer.doc).join('|') === 'Plan|onetwo|See this.', { what: 'the import at the peer' });

  const md = await api(ts, 'GET', `${doc(name)}/export?format=md`);
  assert.equal(md.status, 200);
  assert.equal(md.headers.get('content-type'), 'text/markdown; charset=utf-8');
  assert.match(md.headers.get('content-disposition') ?? '', /attachment; filename="notes-import live\.md"/);
  assert.equal(md.text, '# Plan\n\n- one\n- two\n\nSee **this**.\n');

  const appended = await api(ts, 'PUT', `${doc(name)}/import?mode=append`, { type: 'text/html', body: '<p>tail <em>end</em></p>' });
  assert.equal(appended.status, 200);
  await waitFor(() => blocks(peer.doc).at(-1) === 'tail end', { what: 'the appended HTML at the peer' });

  const json = await api(ts, 'GET', `${doc(name)}/export?format=json`);
  assert.equal(json.headers.get('content-type'), 'application/json');
  assert.equal(json.json.doc.type, 'doc');
  assert.deepEqual(json.json.threads, []);
  const yjs = await api(ts, 'GET', `${doc(name)}/export?format=yjs`);
  assert.equal(yjs.headers.get('content-type'), 'application/vnd.yjs.doc');
  assert.ok(yjs.bytes.length > 10);
  peer.destroy();
});
