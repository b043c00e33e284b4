// Guards ownership of awareness client IDs across instances: a peer on instance B must not set
// or remove the state of a peer connected to instance A. B's connection never introduced that
// ID, and A still holds the connection that did; an instance that relays whatever its socket
// says (or applies remote presence without the owner's say) lets anyone rename, move or erase
// another user's cursor on every instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destroyAll } from './support/docs.js';
import { awarenessFrame, connect, rawSocket, waitFor } from '../helpers.js';
import { names, peers, setPresence } from './support/presence.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('an awareness update forged on B for a peer connected to A is dropped everywhere', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'forged-presence';
  const victim = connect(a.url, doc);
  const watchA = connect(a.url, doc);
  const watchB = connect(b.url, doc);
  const clients = [victim, watchA, watchB];
  const attacker = await rawSocket(b.url, doc);
  try {
    await Promise.all(clients.map((c) => c.synced));
    setPresence(victim, 'Ada');
    const id = victim.doc.clientID;
    await waitFor(() => peers(watchA).get(id)?.user?.name === 'Ada' && peers(watchB).get(id)?.user?.name === 'Ada', { what: 'Ada on A and B' });
    const before = JSON.stringify(peers(watchB).get(id));

    // A far newer clock, so that nothing but ownership can stop it; then a removal.
    attacker.send(awarenessFrame(id, 1_000, { user: { name: 'Mallory' }, cursor: null }));
    attacker.send(awarenessFrame(id, 1_001, null));
    // The attacker's own ID afterwards: once it shows on A, the forged frames went through
    // B and across to A (one connection's messages are handled in order).
    attacker.send(awarenessFrame(31_337, 1, { user: { name: 'Marker' } }));
    await waitFor(() => names(watchA).includes('Marker') && names(watchB).includes('Marker') && names(victim).includes('Marker'), {
      what: 'the attacker\'s own state on A and B',
    });

    for (const [where, c] of [['A', watchA], ['B', watchB]] as const) {
      assert.equal(JSON.stringify(peers(c).get(id)), before, `Ada's state as seen on ${where}`);
    }
    assert.deepEqual(names(victim), ['Ada', 'Marker']);
    // The victim's own later changes still go everywhere: its ownership was not taken over.
    victim.provider.awareness.setLocalStateField('user', { name: 'Ada L.' });
    await waitFor(() => peers(watchB).get(id)?.user?.name === 'Ada L.', { what: 'Ada\'s own rename on B' });
  } finally {
    attacker.terminate();
    destroyAll(clients);
  }
});
