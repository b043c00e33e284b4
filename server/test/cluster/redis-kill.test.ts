// Guards the shared log across a Redis crash: Redis killed with SIGKILL in the middle of a
// write stream (AOF with appendfsync always) and restarted on its files. Every update any peer
// saw — through Redis before the crash, locally during the outage, through Redis after — must
// end up on every instance. The ways to lose one: an instance that stalls or drops writes whose
// Redis append failed, that never appends what it accepted locally while Redis was down, or that
// resumes reading the stream past entries it never applied.
import { test } from 'node:test';
import { connect, waitFor, type Client } from '../helpers.js';
import { destroyAll, freshClient, markers, waitConverged, writeStream } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('Redis killed with SIGKILL during a write stream and restarted: every update a peer saw is on every instance', { timeout: 90_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'redis-crash';
  const writerA = connect(a.url, doc);
  const writerB = connect(b.url, doc);
  const watchA = connect(a.url, doc);
  const watchB = connect(b.url, doc);
  const clients: Client[] = [writerA, writerB, watchA, watchB];
  try {
    await Promise.all(clients.map((c) => c.synced));
    const streamA = writeStream(writerA, 'a');
    const streamB = writeStream(writerB, 'b');
    const grows = async (by: number, what: string): Promise<void> => {
      const start = markers(watchA.doc).size;
      await waitFor(() => markers(watchA.doc).size >= start + by, { timeoutMs: 15_000, what });
    };
    await grows(50, 'the stream under way');
    await cluster.redis.kill();
    await grows(50, 'A\'s peers to keep seeing edits while Redis is down');
    await cluster.redis.restart();
    await grows(50, 'the stream after Redis is back');
    streamA.stop();
    streamB.stop();

    const fresh = [freshClient(a.url, doc), freshClient(b.url, doc)];
    clients.push(...fresh);
    // Everything written reaches everyone; in particular all that any peer had seen.
    await waitConverged(clients, [...streamA.written, ...streamB.written], { timeoutMs: 30_000, what: 'writers, watchers and fresh clients on A and B' });
  } finally {
    destroyAll(clients);
  }
});
