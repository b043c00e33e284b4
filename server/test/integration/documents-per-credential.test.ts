// One credential may hold only MAX_DOCUMENTS_PER_CREDENTIAL documents open over WebSockets. Root
// cause it guards: a read link on a prefix (or anyone, on an open server) could open documents by
// the thousand through random names and fill MAX_OPEN_DOCUMENTS for everyone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { cleanup, rawSocket, startTestServer, upgradeStatus, waitFor, type RawSocket, type TestServer } from '../helpers.js';

const SECRET = 'per-credential-secret-0123456789abcdef';
let ts: TestServer;
before(async () => {
  ts = await startTestServer({ AUTH_SECRET: SECRET, MAX_DOCUMENTS_PER_CREDENTIAL: '3' });
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

test('a credential holding its maximum of documents gets 429 for another one, not for those it holds', async () => {
  const reader = await mintToken(SECRET, { doc: 'r/*', mode: 'read' }, 600);
  const other = await mintToken(SECRET, { doc: 'r/*', mode: 'read' }, 601);
  const held: RawSocket[] = [];
  for (const name of ['r/1', 'r/2', 'r/3']) held.push(await rawSocket(ts.url, name, {}, reader));
  const path = (name: string, token: string) => `/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
  assert.equal(await upgradeStatus(ts.url, path('r/random-4', reader)), 429);
  assert.equal(await upgradeStatus(ts.url, path('r/2', reader)), 101, 'a document it holds');
  assert.equal(await upgradeStatus(ts.url, path('r/random-4', other)), 101, 'another credential');
  // Closing one gives its place back.
  held.shift()!.close();
  await waitFor(async () => (await upgradeStatus(ts.url, path('r/random-4', reader))) === 101, { what: 'the hold to be given back' });
  for (const ws of held) ws.close();
});
