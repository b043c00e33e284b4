// With REDIS_URL, versions and the document list are answered the same by every instance; only
// one instance (the holder of the document's version lease) records automatic versions, even
// with peers editing through both; a delete through one closes the peers of the other with 4404.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, blocks, doc, setParagraphs } from '../api.js';
import { closeCode, connect, rawSocket, startTestServer, waitFor, type TestServer } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

const cluster = useRedisAndServers();

test('two instances: one records versions, both list the same, restore and delete cross over', { timeout: 60_000 }, async () => {
  const env = { REDIS_URL: cluster.redis.url, VERSION_IDLE_MS: '200', VERSION_EVERY_MS: '100000' };
  const a = await startTestServer(env);
  const b = await startTestServer(env);
  cluster.servers.push(a, b);
  const name = 'shared/history';
  const onA = connect(a.url, name);
  const onB = connect(b.url, name);
  await Promise.all([onA.synced, onB.synced]);
  setParagraphs(onA.doc, ['written on A']);
  await waitFor(() => blocks(onB.doc)[0] === 'written on A', { what: 'A’s edit at B' });
  setParagraphs(onB.doc, ['written on B']);
  await waitFor(() => blocks(onA.doc)[0] === 'written on B', { what: 'B’s edit at A' });

  const list = async (ts: TestServer) => (await api(ts, 'GET', `${doc(name)}/versions`)).json.versions as Array<{ id: string; name: string | null }>;
  await waitFor(async () => (await list(a)).length === 1, { what: 'one automatic version' });
  await new Promise((r) => setTimeout(r, 600)); // both instances' idle timers have fired by now
  assert.equal((await list(a)).length, 1, 'recorded once, not once per instance');
  assert.deepEqual(await list(b), await list(a));

  const named = await api(b, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: '{"name":"from B"}' });
  assert.equal(named.status, 201);
  // Same content as the automatic version: that version is named rather than stored twice.
  assert.deepEqual((await list(a)).map((v) => v.name), ['from B']);

  setParagraphs(onA.doc, ['changed again']);
  await waitFor(() => blocks(onB.doc)[0] === 'changed again');
  assert.equal((await api(a, 'POST', `${doc(name)}/versions/${named.json.id}/restore`)).status, 200);
  for (const peer of [onA, onB]) await waitFor(() => blocks(peer.doc)[0] === 'written on B', { what: 'the restore at both instances’ peers' });

  const names = async (ts: TestServer) => (await api(ts, 'GET', 'docs')).json.documents.map((d: { name: string }) => d.name);
  assert.deepEqual(await names(b), [name]);
  assert.deepEqual(await names(a), [name]);

  onA.destroy();
  onB.destroy();
  const watcher = await rawSocket(b.url, name);
  const closed = closeCode(watcher);
  assert.equal((await api(a, 'DELETE', doc(name))).status, 204);
  assert.equal((await closed).code, 4404);
  await waitFor(async () => (await api(b, 'GET', doc(name))).status === 404, { what: 'the document gone at B' });
  assert.deepEqual(await names(b), []);
});

