// With AUTH_SECRET: tokens decide who may open which document, and how.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { mintToken } from '../../src/auth/tokens.js';
import { cleanup, closeCode, connect, rawSocket, startTestServer, upgradeStatus, waitFor, type TestServer } from '../helpers.js';

const SECRET = 'test-secret-that-is-long-enough';
let ts: TestServer;
let base: string;
before(async () => {
  ts = await startTestServer({ AUTH_SECRET: SECRET });
  base = `http://127.0.0.1:${ts.port}`;
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

const token = (doc: string, mode: 'read' | 'write' = 'write', ttl = 3600, name?: string) =>
  mintToken(SECRET, { doc, mode, ...(name ? { name } : {}) }, ttl);
const path = (doc: string, tok?: string) => `/${encodeURIComponent(doc)}${tok ? `?token=${encodeURIComponent(tok)}` : ''}`;

async function access(doc: string, tok?: string, header = false): Promise<{ status: number; body: { mode?: string; reason?: string } }> {
  const url = `${base}/api/access/${encodeURIComponent(doc)}${tok && !header ? `?token=${encodeURIComponent(tok)}` : ''}`;
  const res = await fetch(url, header && tok ? { headers: { authorization: `Bearer ${tok}` } } : {});
  return { status: res.status, body: (await res.json()) as { mode?: string; reason?: string } };
}

test('no token → 401, on the socket and on /api/access', async () => {
  assert.equal(await upgradeStatus(ts.url, path('doc')), 401);
  const a = await access('doc');
  assert.equal(a.status, 401);
  assert.match(a.body.reason ?? '', /token/);
});

test('a malformed token or a bad signature → 401', async () => {
  assert.equal(await upgradeStatus(ts.url, path('doc', 'not.a.jwt')), 401);
  const forged = await mintToken('another-secret-of-enough-length', { doc: 'doc', mode: 'write' }, 3600);
  assert.equal(await upgradeStatus(ts.url, path('doc', forged)), 401);
  assert.equal((await access('doc', forged)).status, 401);
  const none = await new SignJWT({ doc: 'doc', mode: 'write' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
  assert.equal(await upgradeStatus(ts.url, path('doc', none)), 401, 'only HS256 is accepted');
  const noExp = await new SignJWT({ doc: 'doc', mode: 'write' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  assert.equal(await upgradeStatus(ts.url, path('doc', noExp)), 401, 'exp is required');
  const badMode = await new SignJWT({ doc: 'doc', mode: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
  assert.equal(await upgradeStatus(ts.url, path('doc', badMode)), 401);
});

test('an expired token → 401 with a reason that says so', async () => {
  const expired = await token('doc', 'write', -10);
  assert.equal(await upgradeStatus(ts.url, path('doc', expired)), 401);
  const a = await access('doc', expired);
  assert.equal(a.status, 401);
  assert.match(a.body.reason ?? '', /expired/);
});

test('a valid token for another document → 403', async () => {
  const other = await token('other');
  assert.equal(await upgradeStatus(ts.url, path('doc', other)), 403);
  assert.equal((await access('doc', other)).status, 403);
  assert.equal(await upgradeStatus(ts.url, path('other', other)), 101);
});

test('a prefix ending in * covers the documents under it and nothing else', async () => {
  const team = await token('team/*', 'read');
  assert.equal(await upgradeStatus(ts.url, path('team/a', team)), 101);
  assert.equal(await upgradeStatus(ts.url, path('team/a/b', team)), 101);
  assert.equal(await upgradeStatus(ts.url, path('team', team)), 403);
  assert.equal(await upgradeStatus(ts.url, path('teamster', team)), 403);
  assert.deepEqual((await access('team/x', team, true)).body, { mode: 'read' });
});

test('a token that expires during the session closes it with 4401', async () => {
  const short = await token('expiring', 'write', 2);
  const live = await rawSocket(ts.url, 'expiring', {}, short);
  const { code } = await closeCode(live);
  assert.equal(code, 4401);
});

test('a token\'s name overrides the name a client claims', async () => {
  const watcherTok = await token('named', 'read', 3600, 'Watcher');
  const liarTok = await token('named', 'write', 3600, 'Real Name');
  const liar = connect(ts.url, 'named', { params: { token: liarTok } });
  liar.provider.awareness.setLocalStateField('user', { name: 'The CEO', color: '#123456' });
  const watcher = connect(ts.url, 'named', { params: { token: watcherTok } });
  await waitFor(() => [...watcher.provider.awareness.getStates().values()].some((s) => (s as { user?: { name?: string } }).user?.name === 'Real Name'), { what: 'stamped name' });
  const names = [...watcher.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string; color?: string } }).user);
  assert.ok(!names.some((u) => u?.name === 'The CEO'));
  assert.ok(names.some((u) => u?.name === 'Real Name' && u.color === '#123456'), 'other fields are kept');
  liar.destroy();
  watcher.destroy();
});
