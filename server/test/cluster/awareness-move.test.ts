// Guards regaining an awareness client ID on another instance: a client whose connection to A
// closed and who reconnects through B (a load balancer without sticky sessions does this) keeps
// its Y.Doc, so its client ID and a local clock no newer than the removal the others saw. Once
// A has seen the close, B must accept that ID from it and every instance must show the state
// again; without cluster-wide ownership B refuses it (A "owns" it) or the others ignore it as
// stale, and the user has no cursor anywhere until a renewal outbids the removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { destroyAll } from './support/docs.js';
import { names, peers, setPresence } from './support/presence.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('a client that moves from A to B regains its client ID and its state shows everywhere', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'presence-move';
  const mover = connect(a.url, doc);
  const watchA = connect(a.url, doc);
  const watchB = connect(b.url, doc);
  const clients = [mover, watchA, watchB];
  try {
    await Promise.all(clients.map((c) => c.synced));
    setPresence(mover, 'Ada');
    const id = mover.doc.clientID;
    await waitFor(() => names(watchA).includes('Ada') && names(watchB).includes('Ada'), { what: 'Ada on A and B' });

    // Close on A; the others see the removal once A has seen the close.
    mover.provider.disconnect();
    // One wait per instance, so that a failure says where the removal did not arrive.
    await waitFor(() => !names(watchA).includes('Ada'), { what: 'Ada removed on A (whose connection closed)' });
    await waitFor(() => !names(watchB).includes('Ada'), { what: "Ada removed on B (A's removal relayed over pub/sub)" });

    // Same provider, same Y.Doc and awareness (same client ID, same clock), now through B.
    mover.provider.serverUrl = b.url;
    mover.provider.connect();
    await waitFor(() => mover.provider.synced, { what: 'the mover synced through B' });
    await waitFor(() => peers(watchA).get(id)?.user?.name === 'Ada' && peers(watchB).get(id)?.user?.name === 'Ada', {
      timeoutMs: 5_000,
      what: 'Ada back under her old client ID on A and B',
    });
    assert.deepEqual(names(mover), ['Ada']);

    // B now owns the ID: her changes go everywhere, and her leaving B removes her everywhere.
    mover.provider.awareness.setLocalStateField('user', { name: 'Ada (moved)' });
    await waitFor(() => peers(watchA).get(id)?.user?.name === 'Ada (moved)', { what: 'the change on A' });
    mover.provider.disconnect();
    await waitFor(() => !peers(watchA).has(id) && !peers(watchB).has(id), { what: 'Ada removed after leaving B' });
  } finally {
    destroyAll(clients);
  }
});
