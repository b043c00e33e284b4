// Guards catching up after a crash: an instance killed with SIGKILL and restarted must read
// what the others wrote meanwhile from the shared log before it answers anyone (its LevelDB
// alone lacks it), and the edits its users made while it was down — kept by their clients and
// sent when they reconnect to it — must reach the other instances' users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { addParagraph, converged, destroyAll, freshClient, markers, missing, waitConverged } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('an instance killed with SIGKILL catches up on restart, and its users\' edits made meanwhile reach the others', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'crash-catch-up';
  const onA = connect(a.url, doc);
  const onB = connect(b.url, doc);
  const fresh: ReturnType<typeof freshClient>[] = [];
  try {
    await Promise.all([onA.synced, onB.synced]);
    addParagraph(onA.doc, 'a-before');
    addParagraph(onB.doc, 'b-before');
    await waitFor(() => converged([onA, onB]) && markers(onA.doc).size === 2, { what: 'both sides before the crash' });

    await a.kill();
    await waitFor(() => !onA.provider.wsconnected, { what: 'the client on A to notice the crash' });
    const bWhileDown = Array.from({ length: 5 }, (_, i) => `b-while-a-down-${i}`);
    const aOffline = Array.from({ length: 5 }, (_, i) => `a-offline-${i}`);
    for (const m of bWhileDown) addParagraph(onB.doc, m);
    for (const m of aOffline) addParagraph(onA.doc, m); // kept by the client until A is back
    // B has persisted its side (a fresh peer on B sees it) before A comes back.
    const peerB = freshClient(b.url, doc);
    fresh.push(peerB);
    await waitFor(() => missing(peerB.doc, bWhileDown).length === 0, { what: 'B to hold its edits' });

    await a.start();
    // A fresh client on A gets B's edits in its very first sync: A caught up before answering.
    const firstOnA = freshClient(a.url, doc);
    fresh.push(firstOnA);
    const atSync = new Set(await firstOnA.atFirstSync);
    assert.deepEqual(['a-before', 'b-before', ...bWhileDown].filter((m) => !atSync.has(m)), [], 'first sync on the restarted instance lacks these');

    // The offline edits reach B's user through the restarted A.
    const all = ['a-before', 'b-before', ...bWhileDown, ...aOffline];
    await waitConverged([onA, onB, firstOnA], all, { what: 'both users and a fresh client on A' });
  } finally {
    destroyAll([onA, onB, ...fresh]);
  }
});
