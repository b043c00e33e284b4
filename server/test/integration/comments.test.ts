// Review: comments (issue 24, DESIGN.md "Contract — review: comments"): the HTTP API, and the
// rules enforced on every connection with raw y-websocket frames — each refused update closes its
// sender with 1008 and reaches nobody; what the rules allow is applied and relayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { mintToken } from '../../src/auth/tokens.js';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { addThread, commentOf, findQuote, threadMap } from '../../src/review/threads.js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { api, doc, paragraph } from '../api.js';
import { closeCode, connect, rawSocket, serverRoot, type TestServer, useTestServer, waitFor } from '../helpers.js';

const SECRET = 'comments-test-secret-that-is-long-enough';
let ts: TestServer;
useTestServer((started) => (ts = started), { AUTH_SECRET: SECRET });

const token = (mode: 'read' | 'comment' | 'write', sub?: string, name?: string) => mintToken(SECRET, { doc: 'c/*', mode, ...(sub ? { sub } : {}), ...(name ? { name } : {}) }, 600);
const author = (id: string, name: string) => ({ id, name, verified: true });

/** A document with two paragraphs, written over the API. */
async function fresh(name: string): Promise<string> {
  const w = await token('write', 'w1', 'Wendy');
  const put = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/html', body: '<p>The quick brown fox</p><p>jumps over the lazy dog</p>', token: w });
  assert.equal(put.status, 200, put.text);
  return w;
}

/** The document's state as a fresh local Y.Doc (from the yjs export). */
async function localCopy(name: string, tok: string): Promise<Y.Doc> {
  const state = await api(ts, 'GET', `${doc(name)}/export?format=yjs`, { token: tok });
  const d = new Y.Doc();
  Y.applyUpdate(d, state.bytes);
  return d;
}

/**
 * Makes `change` on a copy of the document and sends it as one update over a raw socket with
 * `tok`: the close code it got within a second (0: still open).
 */
async function send(name: string, tok: string, change: (d: Y.Doc) => void): Promise<number> {
  const local = await localCopy(name, await token('read'));
  const sv = Y.encodeStateVector(local);
  local.transact(() => change(local));
  const ws = await rawSocket(ts.url, name, {}, tok);
  const closed = closeCode(ws);
  ws.send(encodeUpdate(Y.encodeStateAsUpdate(local, sv)));
  const code = await Promise.race([closed.then((c) => c.code), new Promise<number>((r) => setTimeout(() => r(0), 1000))]);
  ws.terminate();
  return code;
}

async function threads(name: string): Promise<Array<{ id: string; quote: string; resolved: boolean; resolvedBy: unknown; detached: boolean; comments: Array<{ id: string; author: unknown; body: string }> }>> {
  const r = await api(ts, 'GET', `${doc(name)}/comments`, { token: await token('read') });
  assert.equal(r.status, 200, r.text);
  return (r.json as { threads: never[] }).threads;
}

test('the API: add by quote, reply, resolve and reopen, edit and delete own, delete a thread; anchors and detached threads', async () => {
  const name = 'c/api';
  const w = await fresh(name);
  const c1 = await token('comment', 'c1', 'Carl');
  const c2 = await token('comment', 'c2', 'Cora');
  const add = await api(ts, 'POST', `${doc(name)}/comments`, { token: c1, type: 'application/json', body: JSON.stringify({ quote: 'brown fox', body: 'Which fox? <b>bold</b>' }) });
  assert.equal(add.status, 201, add.text);
  const id = (add.json as { id: string }).id;
  let [t] = await threads(name);
  assert.equal(t!.id, id);
  assert.equal(t!.quote, 'brown fox');
  assert.equal(t!.resolved, false);
  assert.equal(t!.detached, false);
  assert.deepEqual(t!.comments.map((c) => [c.author, c.body]), [[author('c1', 'Carl'), 'Which fox? <b>bold</b>']], 'HTML stays text');
  const html = await api(ts, 'GET', `${doc(name)}/export?format=html`, { token: c1 });
  assert.match(html.text, new RegExp(`<span[^>]*data-comment-thread="${id}"[^>]*>brown fox</span>`), 'html marks the anchor');
  const json = (await api(ts, 'GET', `${doc(name)}/export?format=json`, { token: c1 })).json as { doc: { type: string }; threads: unknown[] };
  assert.equal(json.doc.type, 'doc');
  assert.equal(json.threads.length, 1);

  const reply = await api(ts, 'POST', `${doc(name)}/comments/${id}/replies`, { token: c2, type: 'application/json', body: JSON.stringify({ body: 'The brown one.' }) });
  assert.equal(reply.status, 201, reply.text);
  const replyId = (reply.json as { id: string }).id;
  assert.equal((await api(ts, 'POST', `${doc(name)}/comments/${id}/resolve`, { token: c2 })).status, 204);
  [t] = await threads(name);
  assert.equal(t!.resolved, true);
  assert.deepEqual(t!.resolvedBy, author('c2', 'Cora'));
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', join(serverRoot, 'src', 'cli', 'tandem.ts'), ...args, '--url', `http://127.0.0.1:${ts.port}`, '--token', w], { cwd: serverRoot });
  assert.equal((await cli('comments', name)).stdout, '', 'the CLI lists open threads: none');
  assert.match((await cli('comments', name, '--all')).stdout, /"brown fox"\tresolved\n.*Carl: Which fox\?.*\n.*Cora: The brown one\./);
  assert.equal((await api(ts, 'POST', `${doc(name)}/comments/${id}/reopen`, { token: c1 })).status, 204);
  assert.equal((await threads(name))[0]!.resolved, false);
  assert.match((await cli('comments', name)).stdout, new RegExp(`^${id}\t"brown fox"\topen\n`));

  const edit = (tok: string, c: string, body: string) => api(ts, 'PATCH', `${doc(name)}/comments/${id}/${c}`, { token: tok, type: 'application/json', body: JSON.stringify({ body }) });
  assert.equal((await edit(c1, replyId, 'not mine')).status, 403, "another person's comment");
  assert.equal((await edit(w, replyId, 'not mine either')).status, 403, 'a writer may not rewrite it either');
  assert.equal((await edit(c2, replyId, 'The brown one, yes.')).status, 204);
  assert.equal((await edit(c2, replyId, 'x'.repeat(10_001))).status, 400);
  assert.equal((await edit(c2, 'nosuchcomment', 'x')).status, 404);
  assert.equal((await threads(name))[0]!.comments[1]!.body, 'The brown one, yes.');
  assert.equal((await api(ts, 'DELETE', `${doc(name)}/comments/${id}/${replyId}`, { token: c1 })).status, 403);
  assert.equal((await api(ts, 'DELETE', `${doc(name)}/comments/${id}/${replyId}`, { token: c2 })).status, 204);
  assert.equal((await threads(name))[0]!.comments.length, 1);

  const absent = await api(ts, 'POST', `${doc(name)}/comments`, { token: c1, type: 'application/json', body: JSON.stringify({ quote: 'fox jumps', body: 'across blocks' }) });
  assert.equal(absent.status, 422, 'a quote must be within one block');
  assert.equal((await api(ts, 'POST', `${doc(name)}/comments`, { token: c1, type: 'application/json', body: JSON.stringify({ quote: '', body: 'x' }) })).status, 400);
  assert.equal((await api(ts, 'POST', `${doc(name)}/comments/nosuchthread/replies`, { token: c1, type: 'application/json', body: JSON.stringify({ body: 'x' }) })).status, 404);
  assert.equal((await api(ts, 'POST', `${doc(name)}/comments`, { token: await token('read'), type: 'application/json', body: JSON.stringify({ quote: 'fox', body: 'x' }) })).status, 403, 'read access comments nothing');

  // Its text deleted, the thread stays, detached.
  const peer = connect(ts.url, name, { params: { token: w } });
  await peer.synced;
  const first = peer.doc.getXmlFragment('default').get(0) as Y.XmlElement;
  (first.get(0) as Y.XmlText).delete(0, 'The quick brown fox'.length);
  await waitFor(async () => (await threads(name))[0]!.detached, { what: 'the thread detached' });
  peer.destroy();

  assert.equal((await api(ts, 'DELETE', `${doc(name)}/comments/${id}`, { token: c1 })).status, 403, 'only writers delete threads');
  assert.equal((await api(ts, 'DELETE', `${doc(name)}/comments/${id}`, { token: w })).status, 204);
  assert.deepEqual(await threads(name), []);
});

test('over the WebSocket: a commenter adds a thread with its own identity, resolves any; nothing else of the document is theirs', async () => {
  const name = 'c/ws';
  const w = await fresh(name);
  const c1 = await token('comment', 'c1', 'Carl');
  const c2 = await token('comment', 'c2', 'Cora');
  const watcher = connect(ts.url, name, { params: { token: await token('read') } });
  await watcher.synced;
  const comment = (id: string, who: { id: string | null; name: string; verified: boolean }, body = 'hello') => ({ id, author: who, body, createdAt: new Date().toISOString() });
  const thread = (d: Y.Doc, id: string, who: Parameters<typeof comment>[1], quote = 'lazy dog') =>
    addThread(d, findQuote(d.getXmlFragment('default'), quote)!, { id, quote, createdAt: new Date().toISOString(), comment: comment(`${id}-c1`, who) });

  assert.equal(await send(name, c1, (d) => thread(d, 'thread-one', author('c1', 'Carl'))), 0, 'a thread of its own: accepted');
  await waitFor(() => threadMap(watcher.doc, 'thread-one') !== undefined, { what: 'the thread at another peer' });

  assert.equal(await send(name, c1, (d) => ((d.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'typed ')), 1008, 'the text');
  assert.equal(await send(name, c1, (d) => d.getMap('title').set('x', 1)), 1008, 'anything else');
  assert.equal(await send(name, c1, (d) => thread(d, 'thread-two', author('c2', 'Cora'))), 1008, "someone else's identity");
  assert.equal(await send(name, c1, (d) => thread(d, 'thread-three', { id: null, name: 'Carl', verified: false })), 1008, 'unverified, with an identity');
  assert.equal(await send(name, c2, (d) => commentOf(threadMap(d, 'thread-one')!, 'thread-one-c1')!.map.set('body', 'rewritten')), 1008, "another person's comment");
  assert.equal(await send(name, w, (d) => commentOf(threadMap(d, 'thread-one')!, 'thread-one-c1')!.map.set('body', 'rewritten')), 1008, 'writers included');
  assert.equal(await send(name, c2, (d) => commentOf(threadMap(d, 'thread-one')!, 'thread-one-c1')!.map.set('author', author('c2', 'Cora'))), 1008, 'an author changed');
  assert.equal(await send(name, c2, (d) => d.getMap('comments').delete('thread-one')), 1008, 'a commenter deleting a thread');
  assert.equal(await send(name, c2, (d) => threadMap(d, 'thread-one')!.set('quote', 'changed')), 1008, "a thread's quote");

  assert.equal(await send(name, c2, (d) => { const t = threadMap(d, 'thread-one')!; t.set('resolved', true); t.set('resolvedBy', author('c2', 'Cora')); }), 0, 'anyone who comments resolves');
  assert.equal(await send(name, c2, (d) => (threadMap(d, 'thread-one')!.get('comments') as Y.Array<Y.Map<unknown>>).push([(() => { const m = new Y.Map<unknown>(); m.set('id', 'reply-by-cora'); m.set('author', author('c2', 'Cora')); m.set('body', 'agreed'); m.set('createdAt', new Date().toISOString()); return m; })()])), 0, 'a reply of its own');
  assert.equal(await send(name, c1, (d) => commentOf(threadMap(d, 'thread-one')!, 'thread-one-c1')!.map.set('body', 'edited by me')), 0, 'its own comment');
  await waitFor(() => commentOf(threadMap(watcher.doc, 'thread-one')!, 'thread-one-c1')?.map.get('body') === 'edited by me', { what: 'the edit at another peer' });
  const t = threadMap(watcher.doc, 'thread-one')!;
  assert.equal(t.get('resolved'), true);
  assert.equal(t.get('quote'), 'lazy dog', 'nothing of the refused updates arrived');
  assert.equal(commentOf(t, 'reply-by-cora')?.map.get('body'), 'agreed');
  assert.equal(threadMap(watcher.doc, 'thread-two'), undefined);
  assert.ok(!((watcher.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).toString().includes('typed'));

  assert.equal(await send(name, w, (d) => d.getMap('comments').delete('thread-one')), 0, 'a writer deletes a thread');
  await waitFor(() => threadMap(watcher.doc, 'thread-one') === undefined, { what: 'the thread gone' });
  watcher.destroy();
});

test('a Yjs import passes the same rules: rewriting another person\'s comment is refused (403), nothing changed', async () => {
  const name = 'c/import';
  const w = await fresh(name);
  const c1 = await token('comment', 'c1', 'Carl');
  const add = await api(ts, 'POST', `${doc(name)}/comments`, { token: c1, type: 'application/json', body: JSON.stringify({ quote: 'quick', body: 'mine' }) });
  const id = (add.json as { id: string }).id;
  const local = await localCopy(name, w);
  const sv = Y.encodeStateVector(local);
  const c = (threadMap(local, id)!.get('comments') as Y.Array<Y.Map<unknown>>).get(0);
  c.set('body', 'rewritten by an import');
  const put = await api(ts, 'PUT', `${doc(name)}/import`, { token: w, type: 'application/vnd.yjs.doc', body: Y.encodeStateAsUpdate(local, sv) });
  assert.equal(put.status, 403, put.text);
  assert.equal((await threads(name))[0]!.comments[0]!.body, 'mine');
  // Text through an import is a writer's to change.
  const text = new Y.Doc();
  Y.applyUpdate(text, Y.encodeStateAsUpdate(local));
  assert.equal((await api(ts, 'PUT', `${doc(name)}/import`, { token: w, type: 'text/html', body: '<p>replaced</p>' })).status, 200);
  void paragraph;
});

test('a restore brings back the version\'s threads and comments deleted since, and keeps everything newer', async () => {
  const name = 'c/restore';
  const w = await fresh(name);
  const c1 = await token('comment', 'c1', 'Carl');
  const c2 = await token('comment', 'c2', 'Cora');
  const post = async (tok: string, path: string, body: unknown) => {
    const r = await api(ts, 'POST', `${doc(name)}/${path}`, { token: tok, type: 'application/json', body: JSON.stringify(body) });
    assert.ok(r.status < 300, r.text);
    return (r.json as { id: string } | undefined)?.id;
  };
  const t1 = (await post(c1, 'comments', { quote: 'quick', body: 'first thread' }))!;
  const t2 = (await post(c1, 'comments', { quote: 'lazy', body: 'second thread' }))!;
  const r1 = (await post(c2, `comments/${t2}/replies`, { body: 'an early reply' }))!;
  const version = (await post(w, 'versions', { name: 'with comments' }))!;
  assert.equal((await api(ts, 'DELETE', `${doc(name)}/comments/${t1}`, { token: w })).status, 204);
  assert.equal((await api(ts, 'DELETE', `${doc(name)}/comments/${t2}/${r1}`, { token: c2 })).status, 204);
  await post(c1, `comments/${t2}/replies`, { body: 'a later reply' });
  assert.equal((await api(ts, 'POST', `${doc(name)}/versions/${version}/restore`, { token: w })).status, 200);
  const after = await threads(name);
  assert.deepEqual(after.map((t) => [t.id, t.detached]), [[t1, false], [t2, false]], 'the deleted thread is back, on its unchanged text');
  assert.deepEqual(after[0]!.comments.map((c) => c.body), ['first thread']);
  assert.deepEqual(after[1]!.comments.map((c) => c.body), ['second thread', 'an early reply', 'a later reply'], 'the deleted reply is back, the newer one kept');
});
