// Guards healing after Redis comes back EMPTY (no AOF, a wiped volume) while both sides edit:
// the streams, snapshots and consumer positions the instances recorded are gone. An instance
// that does not notice (changed run id, missing stream for an id it holds) waits for entries
// that will never come, or skips what it holds; one that does not re-append its side leaves the
// other instance's users without it. Afterwards new documents must still fail over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor, type Client } from '../helpers.js';
import { addParagraph, destroyAll, freshClient, markers, paragraphs, waitConverged, writeStream } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('Redis restarted EMPTY while both sides edit: everything converges, and a new document still fails over', { timeout: 90_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'redis-wiped';
  const writerA = connect(a.url, doc);
  const writerB = connect(b.url, doc);
  const clients: Client[] = [writerA, writerB];
  try {
    await Promise.all(clients.map((c) => c.synced));
    const streamA = writeStream(writerA, 'a', 15);
    const streamB = writeStream(writerB, 'b', 15);
    await waitFor(() => markers(writerA.doc).size >= 100, { timeoutMs: 15_000, what: 'both streams under way' });
    await cluster.redis.restartEmpty();
    const afterWipe = streamA.written.length;
    await waitFor(() => streamA.written.length >= afterWipe + 50, { what: 'edits after the wipe' });
    streamA.stop();
    streamB.stop();
    const fresh = [freshClient(a.url, doc), freshClient(b.url, doc)];
    clients.push(...fresh);
    await waitConverged(clients, [...streamA.written, ...streamB.written], { timeoutMs: 30_000, what: 'both writers and fresh clients on A and B' });
    await waitFor(async () => (await a.metric('tandem_redis_up')) === 1 && (await b.metric('tandem_redis_up')) === 1, {
      what: 'tandem_redis_up 1 on A and B',
    });

    // A document created after the wipe, written only through A, then A killed: complete on B.
    const later = 'created-after-wipe';
    const writer = connect(a.url, later);
    const peer = connect(a.url, later);
    clients.push(writer, peer);
    await Promise.all([writer.synced, peer.synced]);
    for (let i = 0; i < 40; i++) addParagraph(writer.doc, `later-${i}`);
    await waitFor(() => markers(peer.doc).size === 40, { what: 'the peer on A to see the new document' });
    const expected = paragraphs(peer.doc);
    assert.equal(await a.metric('tandem_redis_up'), 1, 'tandem_redis_up on A before it is killed');
    await a.kill();
    const reader = freshClient(b.url, later);
    clients.push(reader);
    assert.deepEqual(await reader.atFirstSync, expected, 'B\'s first sync of the new document');
  } finally {
    destroyAll(clients);
  }
});
