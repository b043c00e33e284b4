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

// Undo restore: the server used to record nothing before a restore, so edits made since the
// newest version were gone for good once someone restored an older one.
test('a restore answers with a version of the text it replaced; restoring that one undoes it', async () => {
  const name = 'restore/undo';
  const a = connect(ts.url, name);
  await a.synced;
  setParagraphs(a.doc, ['Named draft']);
  await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text === 'Named draft\n', { what: 'the draft on the server' });
  const named = await api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: JSON.stringify({ name: 'Draft' }) });
  assert.equal(named.status, 201);
  setParagraphs(a.doc, ['Edited after the draft', 'in no version yet']);
  await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text === 'Edited after the draft\n\nin no version yet\n', { what: 'the edit on the server' });

  const restored = await api(ts, 'POST', `${doc(name)}/versions/${named.json.id}/restore`);
  assert.equal(restored.status, 200, restored.text);
  assert.match(restored.json.before, /^\d+$/);
  assert.notEqual(restored.json.before, named.json.id);
  await waitFor(() => blocks(a.doc).join('|') === 'Named draft', { what: 'the draft restored' });
  const before = await api(ts, 'GET', `${doc(name)}/versions/${restored.json.before}/export?format=txt`);
  assert.equal(before.text, 'Edited after the draft\n\nin no version yet\n');

  // Restoring again with nothing changed since: the newest version already holds the text.
  const again = await api(ts, 'POST', `${doc(name)}/versions/${restored.json.before}/restore`);
  assert.equal(again.status, 200, again.text);
  await waitFor(() => blocks(a.doc).join('|') === 'Edited after the draft|in no version yet', { what: 'the restore undone' });
  const listed = await api(ts, 'GET', `${doc(name)}/versions`);
  assert.equal(listed.json.versions[0].id, again.json.before, 'no duplicate of an unchanged text');
  a.destroy();
});
