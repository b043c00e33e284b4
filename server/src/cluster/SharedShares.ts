import { UnavailableError } from '../errors.js';
import type { ShareRecord, ShareStore } from '../storage/kinds/shares.js';
import { hashPairs, redisOrLocal } from './sharedStep.js';
import { sharesKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';

/**
 * Share-link records with scale-out: Redis is the record every instance asks (one hash per
 * document, id → JSON), so that a link revoked through one instance stops working on all; this
 * instance's copy answers while Redis is away. A link is created only when Redis takes it: it
 * must work on every instance, or not exist.
 */
export class SharedShares implements ShareStore {
  constructor(
    private readonly local: ShareStore,
    private readonly link: RedisLink,
  ) {}

  async putShare(name: string, share: ShareRecord): Promise<void> {
    await this.link.command(['HSET', sharesKey(name), share.id, JSON.stringify(share)]).catch(() => {
      throw new UnavailableError('share links cannot be created while Redis is unavailable; try again shortly');
    });
    await this.local.putShare(name, share);
  }

  private fromRedis<T>(read: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    return redisOrLocal(this.link, read, local);
  }

  listShares(name: string): Promise<ShareRecord[]> {
    return this.fromRedis(
      async () =>
        hashPairs(await this.link.command(['HGETALL', sharesKey(name)]))
          .map(([, v]) => JSON.parse(String(v)) as ShareRecord)
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
      () => this.local.listShares(name),
    );
  }

  getShare(name: string, id: string): Promise<ShareRecord | undefined> {
    return this.fromRedis(
      async () => {
        const value = await this.link.command<string | null>(['HGET', sharesKey(name), id]);
        return value ? (JSON.parse(value) as ShareRecord) : undefined;
      },
      () => this.local.getShare(name, id),
    );
  }

  /** Rejects while Redis is down: a revocation must reach every instance. */
  async deleteShare(name: string, id: string): Promise<void> {
    await this.link.command(['HDEL', sharesKey(name), id]);
    await this.local.deleteShare(name, id);
  }
}
