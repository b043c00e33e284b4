// Guards presence after one instance alone went local-only (Redis too slow for it, while the
// others stayed up). A user who left it meanwhile, whose removal it could not publish, must
// vanish from the other instances once it is back. It keeps beating, so the dead-instance rule
// never removes that state: without the instance re-announcing its states, the user's cursor
// stays on every other instance as a ghost for as long as that instance lives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { addParagraph, destroyAll } from './support/docs.js';
import { createInstance, disposeAll, type Instance } from './support/instances.js';
import { names, setPresence } from './support/presence.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { stallableLink, type StallableLink } from './support/stall.js';

let redis: RedisServer;
let link: StallableLink;
let a: Instance;
let b: Instance;

before(async () => {
  redis = await startRedis();
  link = await stallableLink(redis.port);
  // A reaches Redis through the relay, with a short timeout; B directly, logging at info so that
  // the test can tell whether B took A for dead (which would remove A's users anyway).
  a = await createInstance('A', link.url, { REDIS_TIMEOUT_MS: '1000' });
  b = await createInstance('B', redis.url, { LOG_LEVEL: 'info' });
  await Promise.all([a.start(), b.start()]);
});
after(async () => {
  await disposeAll([a, b].filter(Boolean));
  await link?.close();
  await redis?.stop();
});

/**
 * One try: Ada and Bo on A, a watcher on B; A alone loses Redis, Ada leaves A, Redis comes back.
 * Returns false when B took A for dead meanwhile (A's beats were held too, and a slow machine can
 * stretch the hold past B's 6 s): that alone removes Ada, so such a try says nothing.
 */
async function attempt(doc: string): Promise<boolean> {
  const leaver = connect(a.url, doc);
  const stays = connect(a.url, doc);
  const watchB = connect(b.url, doc);
  try {
    await Promise.all([leaver, stays, watchB].map((c) => c.synced));
    setPresence(leaver, 'Ada');
    setPresence(stays, 'Bo');
    await waitFor(() => names(watchB).includes('Ada') && names(watchB).includes('Bo'), { what: 'Ada and Bo on B' });

    const deathsBefore = (b.output().match(/stopped beating/g) ?? []).length;
    link.hold();
    addParagraph(stays.doc, 'while-held'); // A's XADD goes unanswered: local-only within a second
    await waitFor(async () => (await a.metric('tandem_redis_up')) === 0, { what: 'A local-only' });
    leaver.provider.disconnect();
    await waitFor(() => !names(stays).includes('Ada'), { what: 'Ada gone on A (its removal cannot reach Redis)' });
    link.release();
    await waitFor(async () => (await a.metric('tandem_redis_up')) === 1, { what: 'A back' });
    assert.equal(await b.metric('tandem_redis_up'), 1, 'B stayed up');
    if ((b.output().match(/stopped beating/g) ?? []).length > deathsBefore) return false;

    await waitFor(() => !names(watchB).includes('Ada'), { timeoutMs: 5_000, what: 'Ada gone from B once A is back' });
    assert.ok(names(watchB).includes('Bo'), 'Bo, still on A, still shows on B');
    return true;
  } finally {
    destroyAll([leaver, stays, watchB]);
  }
}

test('a user who left an instance while it alone was local-only vanishes from the others once it is back', { timeout: 90_000 }, async () => {
  for (let i = 0; i < 3; i++) if (await attempt(`presence-local-only-${i}`)) return;
  assert.fail('B took A for dead in each of 3 tries, so the test could not tell whether A re-announces its states');
});
