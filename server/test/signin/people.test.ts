// People and roles (DESIGN.md, "People and roles"): the creator owns a document, owners and
// editors share it by email and role, general access lets anyone signed in with the link in, and
// a change reaches the person's open sockets at once (4403; removal 4401). Root cause it guards:
// a role kept only in the socket that was opened with it outlives its removal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { cleanup, type TestServer } from '../helpers.js';
import { startSignInServer, type SignInServer } from './support/server.js';
import { signIn, type SignedIn } from './support/session.js';

const SECRET = 'people-test-secret-0123456789abcdef';
const enc = encodeURIComponent;

describe('people and roles with sign-in', () => {
  let running: SignInServer;
  let ts: TestServer;
  let base: string;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let mallory: SignedIn;

  before(async () => {
    running = await startSignInServer(SECRET);
    ({ ts, base } = running);
    [alice, bob, carol, mallory] = (await Promise.all(['alice', 'bob', 'carol', 'mallory'].map((p) => signIn(base, p)))) as [SignedIn, SignedIn, SignedIn, SignedIn];
  });
  after(async () => {
    await running.stop();
    cleanup(ts.dataDir);
  });

  const mode = async (who: SignedIn, name: string) => {
    const res = await who.api('GET', `/api/access/${enc(name)}`);
    return res.ok ? ((await res.json()) as { mode: string }).mode : res.status;
  };
  const people = async (who: SignedIn, name: string) => (await (await who.api('GET', `/api/docs/${enc(name)}/people`)).json()) as { people: Array<{ email: string; name?: string; role: string }>; general: string };
  const put = (who: SignedIn, name: string, body: unknown) => who.api('PUT', `/api/docs/${enc(name)}/people`, body);

  test('whoever opens a name with nothing stored owns it; others have no access until shared', async () => {
    assert.equal(await mode(alice, 'plan'), 'write');
    assert.deepEqual(await people(alice, 'plan'), { people: [{ email: 'alice@example.com', name: 'Alice Archer', role: 'owner' }], general: 'restricted' });
    assert.equal(await mode(bob, 'plan'), 403);
    assert.equal(await mode(alice, 'plan'), 'write', 'still hers');
  });

  test('the owner shares by email and role: the person gets that access; the unverified claimant of that email does not', async () => {
    await mode(alice, 'shared');
    const res = await put(alice, 'shared', { people: [{ email: 'alice@example.com', role: 'owner' }, { email: 'BOB@example.com', role: 'commenter' }], general: 'restricted' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(((await res.json()) as { people: unknown[] }).people, [{ email: 'alice@example.com', name: 'Alice Archer', role: 'owner' }, { email: 'bob@example.com', role: 'commenter' }]);
    assert.equal(await mode(bob, 'shared'), 'comment');
    assert.equal(await mode(mallory, 'shared'), 403, 'mallory\'s email is bob\'s but unverified');
  });

  test('bad people lists are 400, forbidden changes 403, the last owner 409 — and nothing changes', async () => {
    await mode(alice, 'rules');
    const start = { people: [{ email: 'alice@example.com', role: 'owner' }, { email: 'bob@example.com', role: 'editor' }, { email: 'carol@example.com', role: 'commenter' }], general: 'restricted' };
    assert.equal((await put(alice, 'rules', start)).status, 200);
    const snapshot = await people(alice, 'rules');
    const expectRefusal = async (who: SignedIn, body: unknown, status: number, error: string) => {
      const res = await put(who, 'rules', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(((await res.json()) as { error: string }).error, error);
      assert.deepEqual(await people(alice, 'rules'), snapshot);
    };
    await expectRefusal(alice, { ...start, people: [...start.people, { email: 'nope', role: 'viewer' }] }, 400, 'bad_request');
    await expectRefusal(alice, { ...start, people: [...start.people, { email: 'd@example.com', role: 'admin' }] }, 400, 'bad_request');
    await expectRefusal(alice, { people: [{ email: 'bob@example.com', role: 'editor' }], general: 'restricted' }, 409, 'last_owner');
    await expectRefusal(bob, { ...start, people: [...start.people, { email: 'd@example.com', role: 'owner' }] }, 403, 'forbidden');
    await expectRefusal(bob, { ...start, general: 'link-editor' }, 403, 'forbidden');
    await expectRefusal(carol, { ...start, people: [...start.people, { email: 'd@example.com', role: 'viewer' }] }, 403, 'forbidden');
    // An editor may add someone up to editor.
    assert.equal((await put(bob, 'rules', { ...start, people: [...start.people, { email: 'd@example.com', role: 'editor' }] })).status, 200);
  });

  test('only an owner may delete', async () => {
    await mode(alice, 'doomed');
    await put(alice, 'doomed', { people: [{ email: 'alice@example.com', role: 'owner' }, { email: 'bob@example.com', role: 'editor' }], general: 'restricted' });
    const tok = await mintToken(SECRET, { doc: 'doomed', mode: 'write' }, 60);
    await fetch(`${base}/api/docs/doomed/import`, { method: 'PUT', headers: { authorization: `Bearer ${tok}`, 'content-type': 'text/markdown' }, body: '# Doomed\n' });
    assert.equal((await bob.api('DELETE', '/api/docs/doomed')).status, 403);
    assert.equal((await alice.api('DELETE', '/api/docs/doomed')).status, 204);
  });

  test('general access: anyone signed in with the link, listed for them only once they opened it', async () => {
    await mode(alice, 'open-plan');
    assert.equal((await put(alice, 'open-plan', { people: [{ email: 'alice@example.com', role: 'owner' }], general: 'link-commenter' })).status, 200);
    const listOf = async (who: SignedIn) => ((await (await who.api('GET', '/api/docs')).json()) as { documents: Array<{ name: string; role: string }> }).documents;
    assert.ok(!(await listOf(carol)).some((d) => d.name === 'open-plan'));
    assert.equal(await mode(carol, 'open-plan'), 'comment');
    assert.deepEqual((await listOf(carol)).find((d) => d.name === 'open-plan')?.role, 'commenter');
    assert.equal((await listOf(alice)).find((d) => d.name === 'open-plan')?.role, 'owner');
    // Pages of `limit`, the cursor handing on to the next: together the whole list, once each.
    const all = (await listOf(alice)).map((d) => d.name);
    assert.ok(all.length >= 2);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await alice.api('GET', `/api/docs?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { documents: Array<{ name: string }>; cursor: string | null };
      assert.equal(page.documents.length, 1);
      names.push(page.documents[0]!.name);
      cursor = page.cursor;
    } while (cursor);
    assert.deepEqual(names, all);
    assert.equal((await alice.api('GET', '/api/docs?cursor=bm9wZQ')).status, 400);
  });

  test('a role change reaches the open socket at once: 4403 when it changes, 4401 when removed', async () => {
    await mode(alice, 'live');
    const share = (role: string | undefined) =>
      put(alice, 'live', { people: [{ email: 'alice@example.com', role: 'owner' }, ...(role ? [{ email: 'bob@example.com', role }] : [])], general: 'restricted' });
    assert.equal((await share('commenter')).status, 200);
    const first = await bob.open(ts.url, 'live');
    assert.equal((await share('editor')).status, 200);
    assert.equal(await first.closed, 4403);
    assert.equal(await mode(bob, 'live'), 'write');
    const second = await bob.open(ts.url, 'live');
    assert.equal((await share(undefined)).status, 200);
    assert.equal(await second.closed, 4401);
    assert.equal(await mode(bob, 'live'), 403);
  });

  test('logout closes the session\'s sockets with 4401; cross-site sockets with the cookie are refused', async () => {
    const dave = await signIn(base, 'carol');
    await mode(dave, 'carols');
    await assert.rejects(dave.open(ts.url, 'carols', 'https://evil.example'), /403/);
    const socket = await dave.open(ts.url, 'carols');
    assert.equal((await dave.api('POST', '/auth/logout')).status, 204);
    assert.equal(await socket.closed, 4401);
  });

  test('tokens keep working beside sign-in', async () => {
    const tok = await mintToken(SECRET, { doc: 'plan', mode: 'read' }, 60);
    assert.equal((await fetch(`${base}/api/access/plan`, { headers: { authorization: `Bearer ${tok}`, cookie: bob.cookie, origin: 'https://embed.example' } })).status, 200);
  });
});
