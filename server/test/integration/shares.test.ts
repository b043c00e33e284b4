// Share links (DESIGN.md, "Contract — access"): records kept by the server; a link's token names
// the exact document (a name ending in `*` is never a prefix), the link's id, a mode no higher
// than its creator's, and never the creator's name; a read link cannot write even from a raw
// y-websocket client; revoking a link closes its sessions with 4401 within seconds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { mintToken } from '../../src/auth/tokens.js';
import { cleanup, closeCode, connect, rawSocket, startTestServer, upgradeStatus, waitFor, type TestServer } from '../helpers.js';

const SECRET = 'shares-test-secret-0123456789abcdef';

describe('share links', () => {
  let ts: TestServer;
  let base: string;
  let writer: string;
  const doc = 'team*';
  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${base}/api/docs/${encodeURIComponent(doc)}/shares${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string> | undefined) },
    });
  const create = async (body: unknown, token = writer) => {
    const res = await api('', { method: 'POST', body: JSON.stringify(body), token });
    return { status: res.status, body: (await res.json()) as { id: string; token: string; path: string; mode: string; expiresAt: string | null; reason?: string } };
  };

  before(async () => {
    ts = await startTestServer({ AUTH_SECRET: SECRET, ALLOWED_ORIGINS: 'https://app.example' });
    base = `http://127.0.0.1:${ts.port}`;
    writer = await mintToken(SECRET, { doc, mode: 'write', name: 'Wendy Writer' }, 600);
  });
  after(async () => {
    await ts.stop();
    cleanup(ts.dataDir);
  });

  test('a link is created, listed and carries the exact document, its id and mode, never the creator\'s name', async () => {
    const { status, body } = await create({ mode: 'read', expiresInSeconds: 3600 });
    assert.equal(status, 201);
    assert.equal(body.mode, 'read');
    assert.equal(body.path, `/d/${encodeURIComponent(doc)}?token=${encodeURIComponent(body.token)}`);
    assert.ok(Math.abs(Date.parse(body.expiresAt!) - (Date.now() + 3600_000)) < 60_000);
    const claims = decodeJwt(body.token);
    assert.equal(claims.doc, doc);
    assert.equal(claims.match, 'exact');
    assert.equal(claims.share, body.id);
    assert.equal(claims.mode, 'read');
    assert.equal(claims.name, undefined);
    const list = (await (await api('', { token: writer })).json()) as { shares: Array<{ id: string; creator: string | null }> };
    assert.ok(list.shares.some((s) => s.id === body.id && s.creator === 'Wendy Writer'));
  });

  test('a link for a name ending in * opens that document and no other', async () => {
    const { body } = await create({ mode: 'write' });
    assert.equal(await upgradeStatus(ts.url, `/${encodeURIComponent(doc)}?token=${body.token}`), 101);
    for (const other of ['team', 'team*x', 'team-budget']) {
      assert.equal(await upgradeStatus(ts.url, `/${encodeURIComponent(other)}?token=${body.token}`), 403, other);
    }
  });

  test('a read link cannot write, even from a raw y-websocket client', { timeout: 20_000 }, async () => {
    const { body } = await create({ mode: 'read' });
    const reader = connect(ts.url, doc, { params: { token: body.token } });
    const author = connect(ts.url, doc, { params: { token: writer } });
    await Promise.all([reader.synced, author.synced]);
    reader.text.insert(0, 'forged by a reader ');
    author.text.insert(0, 'written by the writer');
    const check = connect(ts.url, doc, { params: { token: writer } });
    await check.synced;
    await waitFor(() => check.text.toString().includes('written by the writer'), { what: "the writer's text" });
    assert.ok(!check.text.toString().includes('forged'));
    for (const c of [reader, author, check]) c.destroy();
  });

  test('modes and bodies are checked; a read token creates nothing; other origins get 403', async () => {
    const reader = await mintToken(SECRET, { doc, mode: 'read' }, 600);
    assert.equal((await create({ mode: 'read' }, reader)).status, 403);
    assert.equal((await create({ mode: 'admin' })).status, 400);
    assert.equal((await create({ mode: 'read', expiresInSeconds: -5 })).status, 400);
    const crossSite = await api('', { method: 'POST', body: JSON.stringify({ mode: 'read' }), token: writer, headers: { origin: 'https://evil.example' } });
    assert.equal(crossSite.status, 403);
    assert.equal((await api('/nope', { method: 'DELETE', token: writer })).status, 404);
  });

  test('revoking a link closes its sessions with 4401 at once, and it opens nothing afterwards', async () => {
    const { body } = await create({ mode: 'write' });
    const ws = await rawSocket(ts.url, doc, {}, body.token);
    const closed = closeCode(ws);
    const started = Date.now();
    assert.equal((await api(`/${body.id}`, { method: 'DELETE', token: writer })).status, 204);
    const { code, reason } = await closed;
    assert.equal(code, 4401);
    assert.equal(reason, 'link revoked');
    assert.ok(Date.now() - started < 3000);
    assert.equal(await upgradeStatus(ts.url, `/${encodeURIComponent(doc)}?token=${body.token}`), 401);
    const access = await fetch(`${base}/api/access/${encodeURIComponent(doc)}?token=${body.token}`);
    assert.equal(access.status, 401);
  });
});

test('without AUTH_SECRET there are no share links: the answer says anyone with the link can edit', async () => {
  const ts = await startTestServer({});
  const res = await fetch(`http://127.0.0.1:${ts.port}/api/docs/x/shares`, { method: 'POST', body: '{"mode":"read"}' });
  assert.equal(res.status, 409);
  assert.match(((await res.json()) as { reason: string }).reason, /anyone with the link can edit/);
  // Listing is a question a browser asks on every Share: answered, not refused (no console error).
  const list = await fetch(`http://127.0.0.1:${ts.port}/api/docs/x/shares`);
  assert.equal(list.status, 200);
  assert.deepEqual(await list.json(), { shares: [], open: true });
  await ts.stop();
  cleanup(ts.dataDir);
});
