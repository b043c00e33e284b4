// Titles (DESIGN.md, "Contract — workspace"): the root Y.Text `title`, apart from the body. PATCH
// sets it as a server change that every peer receives live; it is write access only, at most 200
// characters, 404 for a document that does not exist; the list and the document's metadata give
// it ('' until set). A commenter may not change it over the WebSocket (it is content), and a
// writer's title edit keeps the document on the writers' pass-through (no comments root appears).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { mintToken } from '../../src/auth/tokens.js';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { api, doc } from '../api.js';
import { closeCode, connect, rawSocket, type TestServer, useTestServer, waitFor } from '../helpers.js';

const SECRET = 'titles-test-secret-that-is-long-enough';
let ts: TestServer;
useTestServer((started) => (ts = started), { AUTH_SECRET: SECRET });

const token = (mode: 'read' | 'comment' | 'write') => mintToken(SECRET, { doc: 't/*', mode, sub: `${mode}-1`, name: mode }, 600);
const patch = async (name: string, body: unknown, tok: string) => api(ts, 'PATCH', doc(name), { token: tok, type: 'application/json', body: JSON.stringify(body) });

async function fresh(name: string): Promise<string> {
  const w = await token('write');
  const put = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/markdown', body: '# A heading, not the title\n\nSome text.', token: w });
  assert.equal(put.status, 200, put.text);
  return w;
}

test('PATCH sets the title: live at a peer, in the metadata and the list; the first heading is not the title', async () => {
  const name = 't/live';
  const w = await fresh(name);
  assert.equal((await api(ts, 'GET', doc(name), { token: w })).json.title, '', 'untitled until set');
  const peer = connect(ts.url, name, { params: { token: await token('read') } });
  await peer.synced;
  const r = await patch(name, { title: 'Quarterly plan' }, w);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { name, title: 'Quarterly plan' });
  await waitFor(() => peer.doc.getText('title').toString() === 'Quarterly plan', { timeoutMs: 60_000, what: 'the title at a peer' });
  assert.equal((await api(ts, 'GET', doc(name), { token: w })).json.title, 'Quarterly plan');
  // The list reads the summary, written when the change is indexed (a second later).
  await waitFor(async () => (await api(ts, 'GET', 'docs?order=updated', { token: w })).json.documents.find((d: { name: string }) => d.name === name)?.title === 'Quarterly plan', { timeoutMs: 60_000, what: 'the title in the list' });
  // Setting it again replaces it whole; '' clears it.
  assert.equal((await patch(name, { title: '' }, w)).status, 200);
  await waitFor(() => peer.doc.getText('title').toString() === '', { timeoutMs: 60_000, what: 'the title cleared at a peer' });
  peer.destroy();
});

test('PATCH rules: 200 characters at most, a string, write access, an existing document', async () => {
  const name = 't/rules';
  const w = await fresh(name);
  assert.equal((await patch(name, { title: 'x'.repeat(200) }, w)).status, 200);
  // Characters, not UTF-16 units: 200 emoji are 200 characters.
  assert.equal((await patch(name, { title: '😀'.repeat(200) }, w)).status, 200);
  const long = await patch(name, { title: 'x'.repeat(201) }, w);
  assert.equal(long.status, 400);
  assert.equal(long.json.error, 'bad_request');
  assert.equal((await patch(name, { title: 42 }, w)).status, 400);
  assert.equal((await patch(name, {}, w)).status, 400);
  assert.equal((await api(ts, 'PATCH', doc(name), { token: w, type: 'application/json', body: 'not json' })).status, 400);
  assert.equal((await patch(name, { title: 'x' }, await token('comment'))).status, 403);
  assert.equal((await patch(name, { title: 'x' }, await token('read'))).status, 403);
  assert.equal((await patch('t/never-created', { title: 'x' }, w)).status, 404);
  assert.equal((await api(ts, 'GET', doc(name), { token: w })).json.title, '😀'.repeat(200), 'refused requests changed nothing');
});

/** Sends `change`, made on a copy of the document, as one update over a raw socket with `tok`. */
async function sendChange(name: string, tok: string, change: (d: Y.Doc) => void): Promise<{ ws: Awaited<ReturnType<typeof rawSocket>>; closed: Promise<{ code: number }> }> {
  const state = await api(ts, 'GET', `${doc(name)}/export?format=yjs`, { token: tok });
  const local = new Y.Doc();
  Y.applyUpdate(local, state.bytes);
  const sv = Y.encodeStateVector(local);
  local.transact(() => change(local));
  const ws = await rawSocket(ts.url, name, {}, tok);
  const closed = closeCode(ws);
  ws.send(encodeUpdate(Y.encodeStateAsUpdate(local, sv)));
  return { ws, closed };
}

test('over the WebSocket: a commenter changing the title is closed with 1008 and changes nothing', async () => {
  const name = 't/commenter';
  const w = await fresh(name);
  assert.equal((await patch(name, { title: 'Kept' }, w)).status, 200);
  const { closed } = await sendChange(name, await token('comment'), (d) => d.getText('title').insert(0, 'Hijacked '));
  assert.equal((await closed).code, 1008);
  assert.equal((await api(ts, 'GET', doc(name), { token: w })).json.title, 'Kept');
  // A title the document never had is refused the same way.
  const other = 't/commenter-untitled';
  await fresh(other);
  const second = await sendChange(other, await token('comment'), (d) => d.getText('title').insert(0, 'Mine'));
  assert.equal((await second.closed).code, 1008);
  assert.equal((await api(ts, 'GET', doc(other), { token: w })).json.title, '');
});

test("a writer's title edit over the WebSocket is applied and keeps the document free of a comments root", async () => {
  const name = 't/writer';
  const w = await fresh(name);
  const writer = connect(ts.url, name, { params: { token: w } });
  await writer.synced;
  writer.doc.getText('title').insert(0, 'Typed by a writer');
  await waitFor(async () => (await api(ts, 'GET', doc(name), { token: w })).json.title === 'Typed by a writer', { timeoutMs: 60_000, what: 'the title at the server' });
  assert.equal((await patch(name, { title: 'Then by the API' }, w)).status, 200);
  await waitFor(() => writer.doc.getText('title').toString() === 'Then by the API', { timeoutMs: 60_000, what: 'the API title at the writer' });
  // The comment rules let writers' updates pass unread while the document has no comments root.
  assert.equal(ts.server.registry.get(name)!.doc.share.has('comments'), false);
  assert.equal(writer.provider.wsconnected, true, 'the writer stays connected');
  writer.destroy();
});
