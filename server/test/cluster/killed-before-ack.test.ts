// Guards the crash window of the parallel write (DESIGN.md, scale-out: the LevelDB batch and the
// Redis append run in parallel). An instance SIGKILLed after its LevelDB batch is written but
// before Redis took the XADD holds an edit that Redis lacks; its sender, reconnecting to it,
// finds the edit there and never sends it again. The restarted instance itself must give it to
// Redis, or the other instances' users never see it. (Found by the cluster convergence property.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, waitFor } from '../helpers.js';
import { logKey } from '../../src/cluster/keys.js';
import { addParagraph, destroyAll, freshClient, waitConverged } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

/** Whether LevelDB's write-ahead log files under `dir` hold `text` (an update stores its characters as they are). */
function inWriteAheadLog(dir: string, text: string): boolean {
  const needle = Buffer.from(text);
  const walk = (d: string): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.log') && readFileSync(join(d, e.name)).includes(needle)));
  return walk(dir);
}

test('an edit an instance stored but was killed before Redis took it still reaches the other instances', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'killed-before-ack';
  const onA = connect(a.url, doc);
  const onB = connect(b.url, doc);
  const fresh: ReturnType<typeof freshClient>[] = [];
  try {
    await Promise.all([onA.synced, onB.synced]);
    addParagraph(onB.doc, 'before');
    await waitConverged([onA, onB], ['before'], { what: 'both users before the crash' });

    // Redis holds back every write command (the XADD among them) until unpaused; a held command
    // of a client that disconnects meanwhile is dropped, as if it had never been sent.
    assert.equal(await cluster.redis.command('CLIENT', 'PAUSE', '30000', 'WRITE'), 'OK');
    try {
      addParagraph(onB.doc, 'stored-not-acked');
      await waitFor(() => inWriteAheadLog(b.dataDir, 'stored-not-acked'), { what: "B's LevelDB batch holding the edit" });
      await b.kill();
    } finally {
      await cluster.redis.command('CLIENT', 'UNPAUSE');
    }
    const entries = JSON.stringify(await cluster.redis.command('XRANGE', logKey(doc), '-', '+'));
    assert.ok(!entries.includes('stored-not-acked'), 'precondition: Redis never got the edit');

    await b.start(); // B's user reconnects to it on their own and finds the edit there
    await waitConverged([onA, onB], ['before', 'stored-not-acked'], { what: 'the users on A and on the restarted B' });
    const firstOnA = freshClient(a.url, doc);
    fresh.push(firstOnA);
    await waitConverged([firstOnA, onB], ['before', 'stored-not-acked'], { what: 'a fresh client on A' });
  } finally {
    destroyAll([onA, onB, ...fresh]);
  }
});
