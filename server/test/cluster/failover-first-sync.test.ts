// Guards "any instance serves any document, even when the one that wrote it is dead": a
// document written only through instance A, A then killed with SIGKILL, must open complete on
// B — in B's very first sync step 2, not trickling in afterwards. Without the shared log (or
// with B answering before it has read the snapshot and the stream) B serves an empty or partial
// document, and its client would even write on top of the hole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { addParagraph, destroyAll, freshClient, markers, paragraphs } from './support/docs.js';
import { type Instance, clusterFixture } from './support/instances.js';

const cluster = clusterFixture(2);

test('a document written only through A, with A then killed, is complete on B at the first sync', { timeout: 60_000 }, async () => {
  const [a, b] = cluster.instances as [Instance, Instance];
  const doc = 'written-on-a-only';
  const writer = connect(a.url, doc);
  const peer = connect(a.url, doc); // a peer that sees an edit proves it was accepted (LevelDB and Redis)
  await Promise.all([writer.synced, peer.synced]);
  const written: string[] = [];
  for (let i = 0; i < 300; i++) {
    const m = `p-${i}`;
    addParagraph(writer.doc, m);
    written.push(m);
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5)); // several batches, not one
  }
  await waitFor(() => markers(peer.doc).size === written.length, { what: 'the peer on A to see every paragraph' });
  const expected = paragraphs(peer.doc);
  // In local-only mode a peer may rightly see edits Redis lacks: the premise needs Redis up.
  assert.equal(await a.metric('tandem_redis_up'), 1, 'tandem_redis_up on A before it is killed');
  destroyAll([writer, peer]);
  await a.kill();

  const reader = freshClient(b.url, doc);
  try {
    const atFirstSync = await reader.atFirstSync;
    assert.equal(atFirstSync.length, expected.length, `B's first sync held ${atFirstSync.length} of ${expected.length} paragraphs`);
    assert.deepEqual(atFirstSync, expected, 'same paragraphs, same order');
  } finally {
    destroyAll([reader]);
  }
});
