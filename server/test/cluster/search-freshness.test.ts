// Search and titles across instances (DESIGN.md, "Contract — workspace"): an edit on instance A
// to a document instance B never opened is found by search on B, and its title listed there.
// Root cause it guards: instances follow the shared logs of their open documents only, so
// without the change feed (cluster/ChangeFeed.ts) B would never hear of the edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc, setParagraphs } from '../api.js';
import { connect, startTestServer, waitFor } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

const cluster = useRedisAndServers();

test('an edit on A to a document B never opened: found by search on B, its title listed on B', { timeout: 60_000 }, async () => {
  const a = await startTestServer({ REDIS_URL: cluster.redis.url });
  const b = await startTestServer({ REDIS_URL: cluster.redis.url });
  cluster.servers.push(a, b);
  const writer = connect(a.url, 'far/away');
  await writer.synced;
  assert.equal(b.server.registry.get('far/away'), undefined, 'B does not have it open');
  setParagraphs(writer.doc, ['A pangolin was seen on instance A.']);
  writer.doc.getText('title').insert(0, 'Pangolin sightings');
  const hits = await waitFor(
    async () => {
      const r = await api(b, 'GET', 'search?q=pangolin');
      return r.json.results.length === 1 ? r.json.results : undefined;
    },
    { timeoutMs: 30_000, what: 'B finds the edit made on A' },
  );
  assert.deepEqual(hits, [{ name: 'far/away', title: 'Pangolin sightings', snippet: 'A pangolin was seen on instance A.' }]);
  await waitFor(async () => (await api(b, 'GET', 'docs?order=updated')).json.documents.some((d: { name: string; title: string }) => d.name === 'far/away' && d.title === 'Pangolin sightings'), { timeoutMs: 30_000, what: 'B lists the title' });

  // A later edit on A is found on B too, and the old words no longer.
  setParagraphs(writer.doc, ['Now an armadillo instead.']);
  await waitFor(async () => (await api(b, 'GET', 'search?q=armadillo')).json.results.length === 1, { timeoutMs: 30_000, what: 'B finds the second edit' });
  assert.deepEqual((await api(b, 'GET', 'search?q=seen')).json.results, []);
  writer.destroy();
});
