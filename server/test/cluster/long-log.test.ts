// Root cause guarded here: the shared log was merged with Y.mergeUpdates, which filters and
// re-sorts all of its inputs for every run of structs it writes: superlinear in the number of
// updates, and a stream holds one update per keystroke (16,000 took 3 s, 32,000 took 32 s).
// Folding a busy document's stream, and reconciling a document against its log (opening it
// where this instance has no trusted mark, or after Redis was away), blocked the event loop for
// that long: the instance served nobody and did not even handle SIGTERM (bench scenario F:
// "d sync" timeouts, then an instance still running 15 s after SIGTERM, its 10 s exit timer
// never fired). All three must now leave the event loop free, and lose nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { updateMessageLength, writeUpdateMessage } from '../../src/protocol/messages.js';
import { connect, rawSocket, startTestServer, waitFor } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

/** Enough one-keystroke updates for the old merge to block for well over ten seconds. */
const UPDATES = 24_000;
/** The longest the event loop may stay blocked meanwhile (the fixed paths take tens of ms). */
const MAX_BLOCK_MS = 2_000;

const cluster = useRedisAndServers();

/**
 * Runs `work` and returns what it resolved with and the longest the event loop went without
 * running a timer meanwhile (ms). A timer of our own: monitorEventLoopDelay skips the first
 * interval, so a block that starts within it goes unseen.
 */
async function blockedWhile<T>(work: () => Promise<T>): Promise<{ value: T; maxBlockMs: number }> {
  let last = performance.now();
  let max = 0;
  const beat = (): void => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  };
  const timer = setInterval(beat, 5);
  try {
    const value = await work();
    beat();
    return { value, maxBlockMs: max };
  } finally {
    clearInterval(timer);
  }
}

function textOf(doc: Y.Doc): string {
  return doc.getText('t').toString();
}

test(`a log of ${UPDATES} one-keystroke updates reconciles and folds without blocking the event loop`, { timeout: 180_000 }, async () => {
  const env = { REDIS_URL: cluster.redis.url, RATE_LIMIT_PER_SEC: '1000000', RATE_LIMIT_BURST: '1000000' };
  const a = await startTestServer(env, undefined, { fold: { trimMarginMs: 0 } });
  const b = await startTestServer(env);
  cluster.servers.push(a, b);
  const name = 'long-log';

  // A typist's updates as y-websocket sends them, one message per character, sent at once: A
  // appends them to the stream a store batch per entry, each entry holding many updates.
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < UPDATES; i++) source.getText('t').insert(i, String.fromCharCode(97 + (i % 26)));
  const expected = textOf(source);
  const writer = await rawSocket(a.url, name);
  for (const u of updates) {
    const message = new Uint8Array(updateMessageLength(u));
    writeUpdateMessage(message, 0, u);
    writer.send(message);
  }
  await waitFor(() => a.server.registry.get(name)?.doc.getText('t').length === UPDATES, { timeoutMs: 60_000, what: 'A to store and apply every update' });
  await waitFor(async () => Number(await cluster.redis.command('XLEN', `tandem:{${name}}:log`)) > 0, { what: 'the updates to reach the stream' });

  // B has never seen the document: it opens it by reconciling with the whole log.
  const opened = await blockedWhile(async () => {
    const reader = connect(b.url, name);
    await reader.synced;
    await waitFor(() => textOf(reader.doc) === expected, { timeoutMs: 60_000, what: 'B to serve every update' });
    reader.destroy();
  });
  assert.ok(opened.maxBlockMs < MAX_BLOCK_MS, `opening on B blocked the event loop for ${opened.maxBlockMs.toFixed(0)} ms`);

  // A folds the stream into its snapshot.
  const folded = await blockedWhile(() => a.server.cluster!.fold(name));
  assert.equal(folded.value, true, 'A folds the stream');
  assert.ok(folded.maxBlockMs < MAX_BLOCK_MS, `folding blocked the event loop for ${folded.maxBlockMs.toFixed(0)} ms`);

  // Nothing lost: an instance with an empty store rebuilds the document from the fold and
  // what is left of the stream.
  writer.close();
  const c = await startTestServer(env);
  cluster.servers.push(c);
  const fresh = connect(c.url, name);
  await fresh.synced;
  await waitFor(() => textOf(fresh.doc) === expected, { what: 'C to rebuild the document from Redis' });
  fresh.destroy();
});
