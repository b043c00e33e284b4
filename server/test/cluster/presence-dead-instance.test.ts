// Guards presence across a crash: the users of an instance killed with SIGKILL must vanish from
// every other instance within 10 s. A dead instance sends no removals, and y-websocket clients
// only drop a silent state after 30 s, so without the instances' heartbeats the ghosts' cursors
// stay for half a minute (or forever, if something keeps re-announcing them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { destroyAll } from './support/docs.js';
import { names, setPresence } from './support/presence.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(3);

test('the users of an instance killed with SIGKILL vanish from the others within 10 s', { timeout: 60_000 }, async () => {
  const [a, b, c] = cluster.instances as [Instance, Instance, Instance];
  const doc = 'presence-crash';
  const ada = connect(a.url, doc);
  const amy = connect(a.url, doc);
  const bob = connect(b.url, doc);
  const cat = connect(c.url, doc);
  const all = [ada, amy, bob, cat];
  try {
    await Promise.all(all.map((x) => x.synced));
    setPresence(ada, 'Ada');
    setPresence(amy, 'Amy');
    setPresence(bob, 'Bob');
    setPresence(cat, 'Cat');
    const everyone = ['Ada', 'Amy', 'Bob', 'Cat'];
    await waitFor(() => [bob, cat].every((x) => names(x).join() === everyone.join()), { what: 'everyone seen on B and C' });

    // A's clients must not come back anywhere: they keep retrying the dead A only.
    await a.kill();
    const killedAt = Date.now();
    await waitFor(() => [bob, cat].every((x) => names(x).join() === 'Bob,Cat'), {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'A\'s users gone from B and C',
    });
    const took = Date.now() - killedAt;
    assert.ok(took <= 10_000, `A's users vanished after ${took} ms, more than 10 s`);
    // Only the dead instance's users went.
    assert.deepEqual(names(bob), ['Bob', 'Cat']);
    assert.deepEqual(names(cat), ['Bob', 'Cat']);
  } finally {
    destroyAll(all);
  }
});
