// Restoring a version is a new change on top of the history: two connected peers converge on
// the old text, and restoring the newer version brings the newer text back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, blocks, doc, setParagraphs } from '../api.js';
import { connect, waitFor, type TestServer, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

test('two peers converge on a restored version; restoring the newer one brings it back', async () => {
  const name = 'restore/two peers';
  const a = connect(ts.url, name);
  const b = connect(ts.url, name);
  await Promise.all([a.synced, b.synced]);
  setParagraphs(a.doc, ['The first draft', 'with two lines']);
  await waitFor(() => blocks(b.doc).join('|') === 'The first draft|with two lines', { what: 'b has the first draft' });
  const first = await api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: JSON.stringify({ name: 'First draft' }) });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.json.name, 'First draft');
  assert.match(first.json.createdAt, /^\d{4}-\d\d-\d\dT/);

  setParagraphs(b.doc, ['A rewrite', 'with two lines', 'and a third']);
  await waitFor(() => blocks(a.doc).join('|') === 'A rewrite|with two lines|and a third', { what: 'a has the rewrite' });
  const second = await api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: JSON.stringify({ name: 'Rewrite' }) });
  assert.equal(second.status, 201);

  const listed = await api(ts, 'GET', `${doc(name)}/versions`);
  assert.deepEqual(listed.json.versions.map((v: { name: string }) => v.name), ['Rewrite', 'First draft'], 'newest first');

  const restored = await api(ts, 'POST', `${doc(name)}/versions/${first.json.id}/restore`);
  assert.equal(restored.status, 200, restored.text);
  for (const peer of [a, b]) await waitFor(() => blocks(peer.doc).join('|') === 'The first draft|with two lines', { what: 'the old text at both peers' });

  const old = await api(ts, 'GET', `${doc(name)}/versions/${first.json.id}/export?format=txt`);
  assert.equal(old.text, 'The first draft\n\nwith two lines\n');

  assert.equal((await api(ts, 'POST', `${doc(name)}/versions/${second.json.id}/restore`)).status, 200);
  for (const peer of [a, b]) await waitFor(() => blocks(peer.doc).join('|') === 'A rewrite|with two lines|and a third', { what: 'the newer text back at both peers' });
  assert.equal((await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text, 'A rewrite\n\nwith two lines\n\nand a third\n');
  a.destroy();
  b.destroy();
});
