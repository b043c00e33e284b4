// Guards against y-redis's known failure "one bad stream stalls every room of a process": one
// document whose log key in Redis is not a stream (written by hand, or by another program)
// must not take the instance out of scale-out nor stop delivery of the other documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { addParagraph, destroyAll, markers } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('a log key that is not a stream affects its own document only', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  // One document's key is broken before it opens, another's while it is followed.
  await cluster.redis.command('SET', 'tandem:{broken-before}:log', 'not a stream');
  const early = connect(a.url, 'broken-before');
  const later = [connect(a.url, 'broken-later'), connect(b.url, 'broken-later')];
  const fine = [connect(a.url, 'fine'), connect(b.url, 'fine')];
  const clients = [early, ...later, ...fine];
  try {
    await Promise.all(clients.map((c) => c.synced));
    addParagraph(early.doc, 'served from LevelDB');
    await cluster.redis.command('DEL', 'tandem:{broken-later}:log');
    await cluster.redis.command('SET', 'tandem:{broken-later}:log', 'not a stream either');
    addParagraph(later[0]!.doc, 'broken-later edit');
    for (let i = 0; i < 5; i++) addParagraph(fine[i % 2]!.doc, `fine-${i}`);
    await waitFor(() => fine.every((c) => markers(c.doc).size === 5), { what: 'the fine document to converge across instances' });
    assert.equal(await a.metric('tandem_redis_up'), 1);
    assert.equal(await b.metric('tandem_redis_up'), 1);
    // Still live afterwards: the blocking read goes on for the documents it can read.
    addParagraph(fine[1]!.doc, 'fine-after');
    await waitFor(() => markers(fine[0]!.doc).has('fine-after'), { what: 'a later edit to cross too' });
  } finally {
    destroyAll(clients);
  }
});
