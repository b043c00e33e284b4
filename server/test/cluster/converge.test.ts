// Guards the basic promise of scale-out: people on one document who land on different
// instances see each other's edits and cursors. Without live delivery between instances (the
// shared log and the presence channel) each instance's clients only see their own side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor, type Client } from '../helpers.js';
import { addParagraph, content, destroyAll, markers, waitConverged } from './support/docs.js';
import { peers, setPresence } from './support/presence.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(3);

/** Two clients per instance on `doc`, each writing 10 paragraphs at once, and all cursors. */
async function editTogether(on: readonly Instance[], doc: string): Promise<void> {
  const clients: Client[] = on.flatMap((i) => [connect(i.url, doc), connect(i.url, doc)]);
  try {
    await Promise.all(clients.map((c) => c.synced));
    clients.forEach((c, k) => setPresence(c, `user-${k}`));
    const expected = new Set<string>();
    for (let round = 0; round < 10; round++) {
      clients.forEach((c, k) => {
        const m = `${doc}-${k}-${round}`;
        addParagraph(c.doc, m);
        expected.add(m);
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitConverged(clients, expected, { what: `${clients.length} clients on ${on.length} instances` });
    assert.deepEqual([...markers(clients[0]!.doc)].sort(), [...expected].sort());
    assert.equal(new Set(clients.map((c) => content(c.doc))).size, 1);

    // Every client sees every other client's cursor, whichever instance it is on.
    await waitFor(
      () =>
        clients.every((c) => {
          const seen = peers(c);
          return clients.every((o) => o === c || (seen.get(o.doc.clientID)?.cursor !== undefined && seen.get(o.doc.clientID)?.user?.name !== undefined));
        }),
      { what: 'every cursor on every client' },
    );
    // A moved cursor crosses cluster.instances too.
    const mover = clients[0]!;
    mover.provider.awareness.setLocalStateField('cursor', { anchor: null, head: null, moved: 1 });
    await waitFor(() => clients.slice(1).every((c) => (peers(c).get(mover.doc.clientID)?.cursor as { moved?: number } | undefined)?.moved === 1), {
      what: 'the moved cursor everywhere',
    });
  } finally {
    destroyAll(clients);
  }
}

test('clients on two instances converge and see each other\'s cursors', { timeout: 60_000 }, async () => {
  await editTogether(cluster.instances.slice(0, 2), 'two-instances');
});

test('clients on three instances converge and see each other\'s cursors', { timeout: 60_000 }, async () => {
  await editTogether(cluster.instances, 'three-instances');
});
