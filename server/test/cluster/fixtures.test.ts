// Guards the cluster tests' own fixtures, so that a red cluster test means Tandem and not the
// harness: a Redis killed with -9 keeps what it acknowledged (AOF always) and a restart EMPTY
// really loses it; an instance restarted on its DATA_DIR and port keeps its documents and its
// clients come back on their own; an instance with REDIS_URL exits 0 on SIGTERM; metrics read
// as "absent" rather than 0 when not exported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, waitFor } from '../helpers.js';
import { addParagraph, destroyAll, freshClient, markers } from './support/docs.js';
import { disposeAll, metricOf, startInstances, type Instance } from './support/instances.js';
import { startRedis, type RedisServer } from './support/redis.js';

let redis: RedisServer;
let instances: Instance[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await disposeAll(instances);
  if (redis) await redis.stop(); // undefined when before() failed
});

test('redis: kill -9 keeps acknowledged writes, restart EMPTY loses them, the port stays', async () => {
  assert.notEqual(redis.port, 6379);
  assert.equal(await redis.command('SET', 'fixture-key', 'kept'), 'OK');
  await redis.kill();
  assert.equal(redis.running, false);
  await assert.rejects(redis.command('PING'), 'a killed Redis answers nothing');
  await redis.restart();
  assert.equal(await redis.command('GET', 'fixture-key'), 'kept');
  await redis.restartEmpty();
  assert.equal(await redis.command('GET', 'fixture-key'), null);
  assert.equal(await redis.command('CONFIG', 'GET', 'appendfsync').then((r) => (r as string[])[1]), 'always');
});

test('instance: SIGKILL and restart keep its data and bring its clients back; SIGTERM exits 0', async () => {
  instances = await startInstances(1, redis.url);
  const a = instances[0]!;
  const writer = connect(a.url, 'fixture-doc');
  const peer = connect(a.url, 'fixture-doc');
  await Promise.all([writer.synced, peer.synced]);
  addParagraph(writer.doc, 'before-kill');
  await waitFor(() => markers(peer.doc).has('before-kill'), { what: 'the peer to see the paragraph' });
  assert.equal(await a.metric('tandem_connections'), 2);
  assert.equal(await a.metric('tandem_no_such_metric'), undefined);

  await a.kill();
  assert.equal(a.running, false);
  addParagraph(writer.doc, 'while-down'); // offline edit, sent when the provider reconnects
  await a.start();
  await waitFor(() => writer.provider.synced && peer.provider.synced, { what: 'clients to reconnect by themselves' });
  await waitFor(() => markers(peer.doc).has('while-down'), { what: 'the offline edit to arrive' });
  const fresh = freshClient(a.url, 'fixture-doc');
  assert.deepEqual([...(await fresh.atFirstSync)].sort(), ['before-kill', 'while-down']);
  destroyAll([writer, peer, fresh]);

  assert.equal(await a.stop(), 0);
  assert.equal(metricOf('tandem_x{a="1"} 2\ntandem_x{a="2"} 3\n', 'tandem_x'), 5);
});
