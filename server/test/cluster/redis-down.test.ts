// Guards local-only mode: with Redis down, each instance keeps serving its own peers from
// LevelDB (a dead Redis must never stall typing), says so with `tandem_redis_up 0`, still opens
// documents it had not opened, and once Redis returns reconciles both ways so that edits made
// on different instances during the outage converge. Without it, writes block on Redis (or fail),
// or the outage's edits stay on the instance that took them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor, type Client } from '../helpers.js';
import { addParagraph, destroyAll, freshClient, markers, waitConverged, writeStream } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

const redisUp = async (i: Instance): Promise<number | undefined> => i.metric('tandem_redis_up');

test('Redis down: tandem_redis_up 0, local peers keep editing; after it returns the outage\'s edits converge', { timeout: 90_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'redis-outage';
  const a1 = connect(a.url, doc);
  const a2 = connect(a.url, doc);
  const b1 = connect(b.url, doc);
  const clients: Client[] = [a1, a2, b1];
  try {
    await Promise.all(clients.map((c) => c.synced));
    assert.equal(await redisUp(a), 1, 'tandem_redis_up on A before the outage');
    assert.equal(await redisUp(b), 1, 'tandem_redis_up on B before the outage');
    addParagraph(a1.doc, 'before');
    await waitFor(() => markers(b1.doc).has('before'), { what: 'A\'s edit on B before the outage' });

    await cluster.redis.kill();
    const streamA = writeStream(a1, 'a-outage', 50);
    const streamB = writeStream(b1, 'b-outage', 50);
    await waitFor(async () => (await redisUp(a)) === 0 && (await redisUp(b)) === 0, { timeoutMs: 10_000, what: 'tandem_redis_up 0 on A and B' });

    // Typing on A still reaches A's other peer at once, and a2 can answer.
    const t0 = Date.now();
    addParagraph(a1.doc, 'a-local-check');
    await waitFor(() => markers(a2.doc).has('a-local-check'), { timeoutMs: 5_000, intervalMs: 5, what: 'a local edit during the outage' });
    assert.ok(Date.now() - t0 < 1_000, `a local edit took ${Date.now() - t0} ms to reach a peer on the same instance`);
    addParagraph(a2.doc, 'a2-reply');
    await waitFor(() => markers(a1.doc).has('a2-reply'), { timeoutMs: 2_000, what: 'the reply on A' });
    // A document B had not opened is still served (from B's LevelDB).
    const cold = freshClient(b.url, 'opened-during-outage');
    clients.push(cold);
    await waitFor(() => cold.provider.synced, { timeoutMs: 5_000, what: 'a document not yet open, served during the outage' });

    await cluster.redis.restart();
    await waitFor(async () => (await redisUp(a)) === 1 && (await redisUp(b)) === 1, { timeoutMs: 20_000, what: 'tandem_redis_up 1 on A and B again' });
    streamA.stop();
    streamB.stop();
    const all = ['before', 'a-local-check', 'a2-reply', ...streamA.written, ...streamB.written];
    const fresh = [freshClient(a.url, doc), freshClient(b.url, doc)];
    clients.push(...fresh);
    await waitConverged([a1, a2, b1, ...fresh], all, { timeoutMs: 20_000, what: 'the peers of A and B and fresh clients' });
  } finally {
    destroyAll(clients);
  }
});
