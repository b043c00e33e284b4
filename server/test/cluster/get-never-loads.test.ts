// Guards hardening item 1 (issue 27): with REDIS_URL, `GET /api/docs/<name>` for a name this
// instance did not know opened the document (to read the shared log), so GETs for random names
// filled MAX_OPEN_DOCUMENTS for everyone. Existence is now asked of Redis without loading; a
// document written only through another instance is still found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc, setParagraphs } from '../api.js';
import { connect, startTestServer, waitFor } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

const cluster = useRedisAndServers();

test('a GET never loads a document that has nothing stored; one written elsewhere is found', { timeout: 60_000 }, async () => {
  const a = await startTestServer({ REDIS_URL: cluster.redis.url, MAX_OPEN_DOCUMENTS: '3' });
  const b = await startTestServer({ REDIS_URL: cluster.redis.url });
  cluster.servers.push(a, b);
  for (let i = 0; i < 20; i++) {
    const res = await api(a, 'GET', doc(`random/${i}-${Math.random().toString(36).slice(2)}`));
    assert.equal(res.status, 404, res.text);
  }
  assert.equal(await a.metric('tandem_document_loads_total'), 0, 'no document was loaded for the GETs');

  const writer = connect(b.url, 'elsewhere');
  await writer.synced;
  setParagraphs(writer.doc, ['written through B']);
  await waitFor(async () => (await api(a, 'GET', doc('elsewhere'))).status === 200, { what: 'A finds the document B wrote' });
  const text = await api(a, 'GET', `${doc('elsewhere')}/export?format=txt`);
  assert.equal(text.text, 'written through B\n');
  writer.destroy();
});
