// The kinds every instance shares (versions, the document list, files, share links, authorship) pass the
// same contract suites as the local ones (test/storage/contracts.ts) when wrapped for Redis
// (cluster/sharedStores.ts), against a real redis-server. "Reopen" is another instance: a fresh
// local store on the same Redis, so what it answers came through Redis.
import { after, before } from 'node:test';
import { Cluster } from '../../src/cluster/Cluster.js';
import { sharedStores } from '../../src/cluster/sharedStores.js';
import { silentLogger } from '../../src/logger.js';
import { Metrics } from '../../src/metrics.js';
import { MemoryKV } from '../../src/storage/kv/MemoryKV.js';
import { storesOver, type Stores } from '../../src/storage/Stores.js';
import { documentsContract, filesContract, peopleContract, sessionsContract, sharesContract, versionsContract, type Backend } from '../storage/contracts.js';
import { authorshipContract } from '../storage/authorship.contract.js';
import { startRedis, type RedisServer } from './support/redis.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

/** One instance: its own store in memory, the shared kinds over the test's Redis. */
async function instance(): Promise<{ stores: Stores; stop: () => Promise<void> }> {
  const kv = new MemoryKV();
  await kv.open();
  const local = storesOver(kv);
  const logger = silentLogger();
  const cluster = new Cluster({ url: redis.url, timeoutMs: 2000, updates: local.updates, marks: local.marks, logger, metrics: new Metrics() });
  await cluster.start({ get: () => undefined, names: () => [] });
  return {
    stores: sharedStores(local, cluster, logger, Date.now),
    stop: async () => {
      await cluster.stop();
      await kv.close();
    },
  };
}

const redisBackend: Backend = {
  label: 'shared over Redis',
  async make() {
    await redis.command('FLUSHALL');
    let current = await instance();
    return {
      get stores() {
        return current.stores;
      },
      reopen: async () => {
        await current.stop();
        current = await instance();
        return current.stores;
      },
      done: () => current.stop(),
    };
  },
};

versionsContract([redisBackend]);
documentsContract([redisBackend]);
filesContract([redisBackend]);
sharesContract([redisBackend]);
sessionsContract([redisBackend]);
peopleContract([redisBackend]);
authorshipContract([redisBackend]);
