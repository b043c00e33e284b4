import type { ShareRecord } from '../storage/DocStore.js';
import { sharesKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';

/**
 * Share-link records in Redis, one hash per document (id → JSON): with REDIS_URL, Redis is the
 * record every instance asks, so a link revoked through one instance stops working on all.
 */
export class SharedShares {
  constructor(private readonly link: RedisLink) {}

  get up(): boolean {
    return this.link.up;
  }

  async put(name: string, share: ShareRecord): Promise<void> {
    await this.link.command(['HSET', sharesKey(name), share.id, JSON.stringify(share)]);
  }

  async get(name: string, id: string): Promise<ShareRecord | undefined> {
    const value = await this.link.command<string | null>(['HGET', sharesKey(name), id]);
    return value ? (JSON.parse(value) as ShareRecord) : undefined;
  }

  async list(name: string): Promise<ShareRecord[]> {
    const reply = await this.link.command<Record<string, string> | string[]>(['HGETALL', sharesKey(name)]);
    const values = Array.isArray(reply) ? reply.filter((_, i) => i % 2 === 1) : Object.values(reply);
    return values.map((v) => JSON.parse(v) as ShareRecord).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async delete(name: string, id: string): Promise<boolean> {
    return (await this.link.command<number>(['HDEL', sharesKey(name), id])) > 0;
  }
}
