// GET /api/docs lists stored documents with title, size and time, page by page with a cursor,
// and only those a token's `doc` pattern covers.
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
    const r = await api(ts, 'PUT', `${doc(name)}/import`, { token: admin, type: 'text/markdown', body: `# Title of ${name}\n\ntext` });
    assert.equal(r.status, 200, r.text);
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
