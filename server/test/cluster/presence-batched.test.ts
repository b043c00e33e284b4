// Guards issue 28 across instances: every accepted awareness change was its own PUBLISH, so N
// people moving their carets cost Redis (and every other instance) N publishes a tick. Now an
// instance publishes once per room per tick, with every state its peers changed in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awarenessFrame, connect, rawSocket, waitFor } from '../helpers.js';
import { destroyAll } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

/** PUBLISH commands Redis has run so far. */
async function publishes(): Promise<number> {
  const stats = String(await cluster.redis.command('INFO', 'commandstats'));
  return Number(/cmdstat_publish:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

test('many awareness changes on one instance cross to the other in few publishes, the newest state of each', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'batched-presence';
  const watchB = connect(b.url, doc);
  const movers = [await rawSocket(a.url, doc), await rawSocket(a.url, doc)];
  try {
    await watchB.synced;
    const CHANGES = 20;
    const before = await publishes();
    // Two peers on A move 20 times each, as fast as they can send.
    for (let clock = 1; clock <= CHANGES; clock++) {
      movers.forEach((ws, i) => ws.send(awarenessFrame(500 + i, clock, { cursor: clock })));
    }
    const clockOf = (id: number) => watchB.provider.awareness.meta.get(id)?.clock;
    await waitFor(() => clockOf(500) === CHANGES && clockOf(501) === CHANGES, { what: 'the newest states on B' });
    const published = (await publishes()) - before;
    // 40 changes; a tick's worth of them per publish (plus the instances' heartbeats meanwhile).
    assert.ok(published < CHANGES, `${published} publishes for ${2 * CHANGES} changes`);
    assert.deepEqual(watchB.provider.awareness.getStates().get(500), { cursor: CHANGES, user: { verified: false } });
  } finally {
    for (const ws of movers) ws.terminate();
    destroyAll([watchB]);
  }
});
