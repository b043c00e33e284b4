// Guards folding the shared log: one instance at a time. A slow fold while another instance
// tries to fold must leave the log folded once (the other sees the lease and backs off; a fold
// whose lease lapsed is refused by the fencing check), and nothing may be lost: the snapshot
// plus what remains of the stream still rebuild every update. Hocuspocus' Redlock per save
// crashed servers when Redis was slow; here folding is off the message path entirely.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, startTestServer, waitFor } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

const cluster = useRedisAndServers();

test('a slow fold while another instance tries to fold: folded once, nothing lost', { timeout: 60_000 }, async () => {
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  let slowEntered = false;
  const env = { REDIS_URL: cluster.redis.url };
  // A's folds stall before committing until released; B folds at full speed.
  const a = await startTestServer(env, undefined, { fold: { trimMarginMs: 0, beforeCommit: async () => { slowEntered = true; await slow; } } });
  const b = await startTestServer(env, undefined, { fold: { trimMarginMs: 0 } });
  cluster.servers.push(a, b);
  const doc = 'fold-once';
  const writer = connect(a.url, doc);
  await writer.synced;
  for (let i = 0; i < 40; i++) writer.text.insert(writer.text.length, `w${i};`);
  const text = writer.text.toString();
  const reader = connect(b.url, doc);
  await waitFor(() => reader.text.toString() === text, { what: 'the writes to reach B through Redis' });
  reader.destroy();

  const slowFold = a.server.cluster!.fold(doc);
  await waitFor(() => slowEntered, { what: 'A to be inside its fold' });
  assert.equal(await b.server.cluster!.fold(doc), false, 'B must not fold while A holds the lease');
  release();
  assert.equal(await slowFold, true, 'A commits its fold');
  assert.ok(await cluster.redis.command('HGET', `tandem:{${doc}}:snap`, 'update'), 'the snapshot key holds the fold');
  const left = Number(await cluster.redis.command('XLEN', `tandem:{${doc}}:log`));
  assert.equal(left, 1, `trimmed to the entry the snapshot ends with (${left} left)`);

  // Nothing lost: an instance with an empty store rebuilds the document from Redis alone.
  writer.destroy();
  const c = await startTestServer(env);
  cluster.servers.push(c);
  const fresh = connect(c.url, doc);
  await fresh.synced;
  assert.equal(fresh.text.toString(), text);
  fresh.destroy();
});
