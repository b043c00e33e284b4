// Sign-in with a real OpenID Connect provider (DESIGN.md, "Sign-in (optional)"): the whole login
// through the provider's own pages, and every bad callback refused with nothing changed. Root
// cause it guards: a login is a chain of one-time values (state, nonce, PKCE verifier, code) and
// an ID token whose issuer and audience must be ours; any link skipped is an account takeover.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup, freePort, startTestServer, upgradeStatus, type TestServer } from '../helpers.js';
import { Browser } from './support/browser.js';
import { CLIENT_ID, OTHER_CLIENT_ID, signInEnv, startProvider, type TestProvider } from './support/provider.js';
import { startSignInServer, type SignInServer } from './support/server.js';

const SECRET = 'sign-in-test-secret-0123456789abcdef';
const HOUR = 3_600_000;


describe('sign-in through a real OpenID Connect provider', () => {
  let running: SignInServer;
  let provider: TestProvider;
  let ts: TestServer;
  let base: string;
  let clock = Date.now();

  before(async () => {
    running = await startSignInServer(SECRET, { SESSION_TTL_MS: String(HOUR) }, () => clock);
    ({ ts, base, provider } = running);
  });
  after(async () => {
    await running.stop();
    cleanup(ts.dataDir);
  });

  const me = async (b: Browser, headers: Record<string, string> = {}) => (await (await b.fetch(`${base}/api/me`, { headers })).json()) as { user: { id: string; name: string; email: string | null } | null; signIn: boolean };

  test('a login through the provider\'s page gives a session cookie as the contract says, and /api/me names the person, verified', async () => {
    const b = new Browser();
    assert.deepEqual(await me(b), { user: null, signIn: true });
    const login = await b.fetch(`${base}/auth/login?next=${encodeURIComponent('/d/plan?x=1')}`);
    assert.equal(login.status, 302);
    const authorize = new URL(login.headers.get('location')!);
    assert.equal(authorize.origin, provider.issuer);
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok(authorize.searchParams.get(p), p);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('response_mode'), 'query');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${base}/auth/callback`);
    assert.equal(authorize.searchParams.get('scope'), 'openid email profile');

    const callback = await b.authorize(`${base}/auth/login?next=${encodeURIComponent('/d/plan?x=1')}`, 'alice');
    const res = await b.fetch(callback);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/d/plan?x=1');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('tandem_session='))!;
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Lax/);
    assert.match(setCookie, /; Max-Age=3600/);
    assert.doesNotMatch(setCookie, /Secure/, 'PUBLIC_URL is http here');
    assert.deepEqual(await me(b), { user: { id: 'oidc:alice', name: 'Alice Archer', email: 'alice@example.com' }, signIn: true });
  });

  test('every login gets a fresh session id (no fixation), and a cookie this server did not sign is nobody', async () => {
    const b = new Browser();
    b.setCookie(base, 'tandem_session', 'attacker-chosen-id-0123456789.bad');
    assert.equal((await me(b)).user, null);
    await b.signIn(base, 'bob');
    const first = b.cookie(base, 'tandem_session');
    await b.signIn(base, 'bob');
    assert.notEqual(b.cookie(base, 'tandem_session'), first);
    assert.equal((await me(b)).user?.id, 'oidc:bob');
  });

  test('next is used only when it is a path with one leading slash', async () => {
    for (const [next, want] of [['//evil.example/x', '/'], ['/\\evil.example', '/'], ['https://evil.example/', '/'], ['/\t/evil.example', '/'], ['/d/ok', '/d/ok']]) {
      assert.equal(await new Browser().signIn(base, 'carol', next), want, JSON.stringify(next));
    }
  });

  test('an email the provider did not verify is never kept', async () => {
    const b = new Browser();
    await b.signIn(base, 'mallory');
    assert.deepEqual((await me(b)).user, { id: 'oidc:mallory', name: 'Mallory', email: null });
  });

  test('a login the provider authorized for another application (another audience) is 400 and gives no session', async () => {
    const b = new Browser();
    const login = await b.fetch(`${base}/auth/login`);
    const authorize = new URL(login.headers.get('location')!);
    await login.body?.cancel();
    assert.equal(authorize.searchParams.get('client_id'), CLIENT_ID);
    // The person signs in to another application of the same provider, and its answer (a code for
    // that application, with Tandem's own state) is brought to Tandem's callback.
    authorize.searchParams.set('client_id', OTHER_CLIENT_ID);
    const callback = await b.authorize(authorize.href, 'alice', base);
    const res = await b.fetch(callback);
    assert.equal(res.status, 400, await res.text());
    assert.equal(b.cookie(base, 'tandem_session'), undefined);
    assert.equal((await me(b)).user, null);
  });

  test('a callback with a wrong state, or replayed, is 400 and gives no session', async () => {
    const b = new Browser();
    const callback = await b.authorize(`${base}/auth/login`, 'alice');
    const wrong = new URL(callback);
    wrong.searchParams.set('state', 'not-the-state');
    const refused = await b.fetch(wrong);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'bad_callback');
    assert.equal(b.cookie(base, 'tandem_session'), undefined);
    assert.equal((await b.fetch(callback)).status, 302, 'the right state still works once');
    const other = new Browser();
    const replay = await other.fetch(callback);
    assert.equal(replay.status, 400, 'the same callback again');
    assert.equal(other.cookie(base, 'tandem_session'), undefined);
    assert.equal((await b.fetch(`${base}/auth/callback`)).status, 400, 'no state at all');
  });

  test('a session past SESSION_TTL_MS is over: /api/me says nobody, documents say 401', async () => {
    const b = new Browser();
    await b.signIn(base, 'alice');
    assert.equal((await me(b)).user?.id, 'oidc:alice');
    clock += HOUR + 1000;
    try {
      assert.equal((await me(b)).user, null);
      assert.equal((await b.fetch(`${base}/api/access/some-doc`)).status, 401);
    } finally {
      clock = Date.now();
    }
  });

  test('POST /auth/logout ends the session (204); from another site it is refused (403) and changes nothing', async () => {
    const b = new Browser();
    await b.signIn(base, 'bob');
    const cookie = b.cookie(base, 'tandem_session')!;
    const forged = await b.fetch(`${base}/auth/logout`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    assert.equal(forged.status, 403);
    assert.equal((await me(b)).user?.id, 'oidc:bob');
    const out = await b.fetch(`${base}/auth/logout`, { method: 'POST', headers: { origin: base } });
    assert.equal(out.status, 204);
    assert.equal(b.cookie(base, 'tandem_session'), undefined, 'the cookie is cleared');
    const again = new Browser();
    again.setCookie(base, 'tandem_session', cookie);
    assert.equal((await me(again)).user, null, 'the old cookie is worth nothing: the record is gone');
  });

  test('cookies are ambient: cross-site state changes and WebSocket upgrades with the cookie are 403; tokens are unaffected', async () => {
    const b = new Browser();
    await b.signIn(base, 'alice');
    const cookie = `tandem_session=${b.cookie(base, 'tandem_session')!}`;
    const evil = 'https://evil.example';
    assert.equal((await b.fetch(`${base}/api/docs/x`, { method: 'DELETE', headers: { origin: evil } })).status, 403);
    assert.equal((await b.fetch(`${base}/api/docs/x/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 403, 'no Origin on a POST');
    assert.equal(await upgradeStatus(ts.url, '/x', { cookie, origin: evil }), 403);
    assert.equal(await upgradeStatus(ts.url, '/x', { cookie }), 403, 'an upgrade without Origin');
    // A GET from another site: the cookie does not count (nobody), so it is not an error.
    assert.equal((await me(b, { origin: evil })).user, null);
    // Without the cookie, a request from another site is no one's: 401, as before.
    assert.equal((await fetch(`${base}/api/access/x`, { headers: { origin: evil } })).status, 401);
  });
});

describe('an ID token from another issuer is refused', () => {
  let real: TestProvider;
  let impostor: Server;
  let ts: TestServer;
  let base: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    real = await startProvider([`${base}/auth/callback`]);
    // A mix-up: discovery at the configured issuer says "I am the issuer", but every endpoint (and
    // so every ID token) is another provider's.
    impostor = createServer((req, res) => {
      void (async () => {
        const doc = (await (await fetch(`${real.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...doc, issuer: `http://127.0.0.1:${(impostor.address() as AddressInfo).port}` }));
      })();
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    ts = await startTestServer({ PORT: String(port), ...signInEnv(`http://127.0.0.1:${(impostor.address() as AddressInfo).port}`, base, SECRET) });
  });
  after(async () => {
    await ts.stop();
    await real.stop();
    impostor.close();
    cleanup(ts.dataDir);
  });

  test('the callback is 400 and gives no session', async () => {
    const b = new Browser();
    const callback = await b.authorize(`${base}/auth/login`, 'alice');
    const res = await b.fetch(callback);
    assert.equal(res.status, 400);
    assert.equal(b.cookie(base, 'tandem_session'), undefined);
  });
});
