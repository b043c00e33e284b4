// Guards the start-up check on Redis' eviction policy: with an `allkeys-*` policy Redis may
// evict a document's stream or snapshot under memory pressure, silently losing edits that every
// instance believes are shared. Such a Redis must be refused at start — exit 1, one stderr line
// naming the policy — while the same Redis with `noeviction` is accepted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInstance, type Instance } from './support/instances.js';
import { startRedis, type RedisServer } from './support/redis.js';

let redis: RedisServer;
const instances: Instance[] = [];
before(async () => {
  redis = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
});
after(async () => {
  await Promise.all(instances.map((i) => i.dispose()));
  if (redis) await redis.stop(); // undefined when before() failed
});

/** Starts an instance and gives it 10 s to exit; 'running' if it is still up then. */
async function outcome(i: Instance): Promise<number | string> {
  const exited = i.launch();
  const timer = new Promise<string>((r) => setTimeout(() => r('running'), 10_000).unref());
  return Promise.race([exited, timer]);
}

for (const policy of ['allkeys-lru', 'allkeys-random']) {
  test(`a Redis with maxmemory-policy ${policy} is refused at start: exit 1, one stderr line naming it`, { timeout: 30_000 }, async () => {
    assert.equal(await redis.command('CONFIG', 'SET', 'maxmemory-policy', policy), 'OK');
    const i = await createInstance('evict', redis.url);
    instances.push(i);
    const code = await outcome(i);
    assert.equal(code, 1, `exit code (output: ${i.output()})`);
    const lines = i.stderr().split('\n').filter((l) => l.trim() !== '');
    assert.equal(lines.length, 1, `one stderr line, got:\n${i.stderr()}`);
    assert.match(lines[0]!, new RegExp(policy));
  });
}

test('the same Redis with noeviction is accepted', { timeout: 30_000 }, async () => {
  assert.equal(await redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'), 'OK');
  const i = await createInstance('noevict', redis.url);
  instances.push(i);
  await i.start();
  assert.equal(await i.stop(), 0);
});
