// Search with sign-in (DESIGN.md, "Contract — workspace" and "People and roles"): a person finds
// only the documents they may open (theirs and those shared with them), never another person's,
// and a share makes a document findable at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, waitFor } from '../helpers.js';
import { startSignInServer, type SignInServer } from './support/server.js';
import { signIn, type SignedIn } from './support/session.js';

const SECRET = 'search-signin-secret-0123456789abcdef';
const enc = encodeURIComponent;

let running: SignInServer;
let alice: SignedIn;
let bob: SignedIn;

before(async () => {
  running = await startSignInServer(SECRET);
  [alice, bob] = (await Promise.all(['alice', 'bob'].map((p) => signIn(running.base, p)))) as [SignedIn, SignedIn];
});
after(async () => {
  await running.stop();
  cleanup(running.ts.dataDir);
});

async function write(who: SignedIn, name: string, text: string): Promise<void> {
  const res = await fetch(`${running.base}/api/docs/${enc(name)}/import`, { method: 'PUT', headers: { cookie: who.cookie, origin: running.base, 'content-type': 'text/markdown' }, body: text });
  assert.equal(res.status, 200, await res.text());
}

async function found(who: SignedIn, q: string): Promise<string[]> {
  const res = await who.api('GET', `/api/search?q=${enc(q)}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { results: Array<{ name: string }> }).results.map((r) => r.name).sort();
}

test("a person finds their own documents and those shared with them, never another person's", async () => {
  await write(alice, 'alice/plan', 'The walrus migration plan.');
  await write(bob, 'bob/notes', 'Notes on the walrus.');
  await waitFor(async () => (await found(alice, 'walrus')).length === 1 && (await found(bob, 'walrus')).length === 1, { timeoutMs: 60_000, what: 'both indexed' });
  assert.deepEqual(await found(alice, 'walrus'), ['alice/plan']);
  assert.deepEqual(await found(bob, 'walrus'), ['bob/notes']);
  assert.deepEqual(await found(bob, 'migration'), [], "alice's words do not show bob her document");
  const share = await alice.api('PUT', `/api/docs/${enc('alice/plan')}/people`, { people: [{ email: 'alice@example.com', role: 'owner' }, { email: 'bob@example.com', role: 'viewer' }], general: 'restricted' });
  assert.equal(share.status, 200);
  assert.deepEqual(await found(bob, 'walrus'), ['alice/plan', 'bob/notes']);
  assert.equal((await fetch(`${running.base}/api/search?q=walrus`)).status, 401, 'signed out');
});
