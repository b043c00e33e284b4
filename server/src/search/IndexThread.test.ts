// The search index in a thread of its own: calls are answered in the order they were made, a
// search pages through every match until enough pass the caller's filter (the same hits, in the
// same order, as the index filtering in place), the thread runs at a low priority, and a thread
// that ends unasked is replaced and filled again from the store (stored index + pending texts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import { cleanup, tempDir, waitFor } from '../../test/helpers.js';
import { assertOneThreadLowered, niceByThread } from '../../test/threads.js';
import { silentLogger } from '../logger.js';
import { LevelKV } from '../storage/kv/LevelKV.js';
import { storesOver } from '../storage/Stores.js';
import { INDEX_NICE } from './indexCalls.js';
import { IndexThread } from './IndexThread.js';
import { SearchIndex } from './SearchIndex.js';
import { SearchIndexer } from './SearchIndexer.js';

const all = () => true;
const names = (hits: { name: string }[]) => hits.map((h) => h.name);

test('calls are answered in order: a search after a remove does not find it; the index round-trips through serialize and load', async () => {
  const thread = new IndexThread(silentLogger(), () => assert.fail('the thread was not lost'));
  const other = new IndexThread(silentLogger(), () => assert.fail('the thread was not lost'));
  try {
    thread.put('a', { title: '', text: 'the heron fishes at dawn' });
    thread.put('b', { title: 'Heron', text: 'a bird' });
    assert.deepEqual(names(await thread.search('heron', 10, all)), ['b', 'a'], 'the title match first');
    thread.remove('b');
    assert.deepEqual(names(await thread.search('heron', 10, all)), ['a'], 'not waited for: the remove went first');
    thread.put('a', { title: '', text: 'replaced' });
    assert.deepEqual(await thread.search('dawn', 10, all), []);
    const stored = await thread.serialize();
    assert.equal(SearchIndex.load(stored.toString('utf8')).size, 1, 'what SearchIndex.load reads');
    assert.equal(await other.load(stored), 1);
    assert.deepEqual(names(await other.search('replaced', 5, all)), ['a']);
    await assert.rejects(other.load(Buffer.from('{"not":"an index"}')));
    assert.deepEqual(names(await other.search('replaced', 5, all)), ['a'], 'a failed load leaves the index as it was');
    await other.clear();
    assert.deepEqual(await other.search('replaced', 5, all), []);
  } finally {
    await thread.stop();
    await other.stop();
  }
  await assert.rejects(thread.search('heron', 1, all), /stopped/);
});

test('a search reads page after page until enough pass the filter: the same hits, in the same order, as filtering in place', async () => {
  const thread = new IndexThread(silentLogger(), () => assert.fail('the thread was not lost'));
  const here = SearchIndex.empty();
  try {
    const put = (name: string, text: string) => {
      thread.put(name, { title: '', text });
      here.put(name, { title: '', text });
    };
    // 900 documents rank above `rare`: it is found only past the first pages.
    for (let i = 0; i < 900; i++) put(`filler/${i}`, `heron heron heron number ${i}`);
    put('rare', `a heron ${'among many other words '.repeat(40)}`);
    assert.deepEqual(names(await thread.search('heron', 1, (name) => name === 'rare')), ['rare']);
    const even = (name: string) => /[02468]$/.test(name);
    for (const limit of [1, 30, 100]) {
      assert.deepEqual(await thread.search('heron', limit, even), here.search('heron', limit, even), `limit ${limit}`);
    }
    assert.deepEqual(await thread.search('heron', 100, all), here.search('heron', 100, all));
    assert.deepEqual(await thread.search('absent', 5, all), []);
  } finally {
    await thread.stop();
  }
});

test('the index thread yields the CPU to the message path (INDEX_NICE on its own thread only)', { skip: process.platform !== 'linux' && 'per-thread nice values are Linux' }, async () => {
  const before = niceByThread();
  const thread = new IndexThread(silentLogger(), () => undefined);
  try {
    thread.put('a', { title: '', text: 'text' });
    await thread.search('text', 1, all);
    assertOneThreadLowered(before, INDEX_NICE);
  } finally {
    await thread.stop();
  }
});

/** A stored document's state: one paragraph. */
function stateOf(text: string): Uint8Array {
  const doc = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment('default').insert(0, [p]);
  return Y.encodeStateAsUpdate(doc);
}

test('a thread that ends unasked is replaced, and filled again from the stored index and the texts pending since; lost again soon, after a pause', async (t) => {
  const dir = tempDir('tandem-index-thread-');
  const kv = new LevelKV(dir, { sync: false });
  await kv.open();
  t.after(async () => {
    await kv.close();
    cleanup(dir);
  });
  const states = new Map([
    ['a', stateOf('The okapi one')],
    ['b', stateOf('The okapi two')],
    ['c', stateOf('The okapi three')],
  ]);
  const store = storesOver(kv).search;
  const indexer = new SearchIndexer({
    store,
    logger: silentLogger(),
    // Stored once two documents were indexed: `c` stays pending. A second loss in a row waits a minute.
    options: { debounceMs: 5, saveEvery: 2, saveAfterMs: 600_000, refillPauseMs: 60_000 },
    now: Date.now,
    openRoom: () => undefined,
    readState: async (name) => states.get(name),
    allNames: async function* () {},
    writeSummary: async () => undefined,
  });
  await indexer.start();
  await indexer.rebuilt();
  const found = async () => names(await indexer.search('okapi', 10, all)).sort();
  indexer.changed('a', true);
  indexer.changed('b', true);
  await waitFor(async () => (await store.readIndex()) !== undefined && (await store.pending()).length === 0, { what: 'a and b stored in the index' });
  indexer.changed('c', true);
  await waitFor(async () => (await found()).length === 3 && (await store.pending()).includes('c'), { what: 'c indexed, pending' });

  // Ended from outside, as the heap limit or a crash would end it.
  const thread = (indexer as unknown as { index: { worker: Worker } }).index;
  await thread.worker.terminate();
  await waitFor(async () => JSON.stringify(await found()) === JSON.stringify(['a', 'b', 'c']), { what: 'all three found again' });

  // Lost again soon after that refill: not refilled at once (an index past the thread's heap
  // would end it on every refill), but after the pause.
  await thread.worker.terminate();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(await found(), [], 'the new thread is left empty during the pause');
  await indexer.stop(); // the pending refill goes with it
});
