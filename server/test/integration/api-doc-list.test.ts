// GET /api/docs lists stored documents with title (the document's own, never its first heading),
// size and time, page by page with a cursor (by name, or newest first), and only those a token's
// `doc` pattern covers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { api, doc } from '../api.js';
import { cleanup, startTestServer, type TestServer } from '../helpers.js';

const SECRET = 'list-secret-0123456789';
let ts: TestServer;
let admin: string;
before(async () => {
  ts = await startTestServer({ AUTH_SECRET: SECRET });
  admin = await mintToken(SECRET, { doc: '*', mode: 'write' }, 600);
  for (const name of ['team/a', 'team/b', 'team/c', 'other', 'team/d']) {
    const r = await api(ts, 'PUT', `${doc(name)}/import`, { token: admin, type: 'text/markdown', body: `# A heading is not the title\n\ntext` });
    assert.equal(r.status, 200, r.text);
    const t = await api(ts, 'PATCH', doc(name), { token: admin, type: 'application/json', body: JSON.stringify({ title: `Title of ${name}` }) });
    assert.equal(t.status, 200, t.text);
  }
  // Summaries are written with versions: name one per document.
  for (const name of ['team/a', 'team/b', 'team/c', 'other', 'team/d']) {
    await api(ts, 'POST', `${doc(name)}/versions`, { token: admin, type: 'application/json', body: '{"name":"v"}' });
  }
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

test('pages follow the cursor to the end, in name order, with titles', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await api(ts, 'GET', `docs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.documents.length <= 2);
    for (const d of r.json.documents) {
      seen.push(d.name);
      assert.equal(d.title, `Title of ${d.name}`);
      assert.ok(d.size > 0);
      assert.match(d.updatedAt, /^\d{4}-/);
    }
    cursor = r.json.cursor;
    pages++;
  } while (cursor);
  assert.deepEqual(seen, ['other', 'team/a', 'team/b', 'team/c', 'team/d']);
  assert.equal(pages, 3);
});

test('a token lists only the documents its doc pattern covers', async () => {
  const team = await mintToken(SECRET, { doc: 'team/*', mode: 'read' }, 600);
  const r = await api(ts, 'GET', 'docs', { token: team });
  assert.deepEqual(r.json.documents.map((d: { name: string }) => d.name), ['team/a', 'team/b', 'team/c', 'team/d']);
  const one = await mintToken(SECRET, { doc: 'team/b', mode: 'read' }, 600);
  assert.deepEqual((await api(ts, 'GET', 'docs', { token: one })).json.documents.map((d: { name: string }) => d.name), ['team/b']);
  assert.equal((await api(ts, 'GET', 'docs')).status, 401);
  assert.equal((await api(ts, 'GET', 'docs?cursor=%%%', { token: admin })).status, 400);
});

test('?order=updated pages newest first, with the same titles', async () => {
  // 'team/b' changes last: it comes first.
  const t = await api(ts, 'PATCH', doc('team/b'), { token: admin, type: 'application/json', body: JSON.stringify({ title: 'Title of team/b, again' }) });
  assert.equal(t.status, 200, t.text);
  await api(ts, 'POST', `${doc('team/b')}/versions`, { token: admin, type: 'application/json', body: '{"name":"v2"}' });
  const seen: Array<{ name: string; title: string; updatedAt: string }> = [];
  let cursor: string | null = null;
  do {
    const r = await api(ts, 'GET', `docs?order=updated&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.documents);
    cursor = r.json.cursor;
  } while (cursor);
  assert.equal(seen.length, 5);
  assert.deepEqual(seen[0], { ...seen[0], name: 'team/b', title: 'Title of team/b, again' });
  const times = seen.map((d) => Date.parse(d.updatedAt));
  assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  assert.equal((await api(ts, 'GET', 'docs?order=random', { token: admin })).status, 400);
  const team = await mintToken(SECRET, { doc: 'team/*', mode: 'read' }, 600);
  assert.ok((await api(ts, 'GET', 'docs?order=updated', { token: team })).json.documents.every((d: { name: string }) => d.name.startsWith('team/')));
});

test('a document keeps the time of its last change: a version named later does not move it up the list', async () => {
  const settle = () => new Promise((r) => setTimeout(r, 1500)); // past the search indexer's debounce and the room's unloading
  for (const name of ['late/x', 'late/y']) {
    const r = await api(ts, 'PUT', `${doc(name)}/import`, { token: admin, type: 'text/markdown', body: `text of ${name}` });
    assert.equal(r.status, 200, r.text);
    await settle();
  }
  const changedLast = Date.parse((await api(ts, 'GET', doc('late/y'), { token: admin })).json.updatedAt);
  const v = await api(ts, 'POST', `${doc('late/x')}/versions`, { token: admin, type: 'application/json', body: '{"name":"named later"}' });
  assert.equal(v.status, 201, v.text);
  await settle();
  const listed = (await api(ts, 'GET', 'docs?order=updated', { token: admin })).json.documents as Array<{ name: string; updatedAt: string }>;
  assert.deepEqual(listed.filter((d) => d.name.startsWith('late/')).map((d) => d.name), ['late/y', 'late/x']);
  assert.ok(Date.parse(listed.find((d) => d.name === 'late/x')!.updatedAt) < changedLast);
});
