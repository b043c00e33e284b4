import { UnavailableError } from '../errors.js';
import type { MineEntry, PeopleRecord, PeopleStore } from '../storage/kinds/people.js';
import { hashPairs, redisOrLocal } from './sharedStep.js';
import { mineKey, peopleKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';

const unavailable = () => {
  throw new UnavailableError('people cannot be changed while Redis is unavailable; try again shortly');
};

/**
 * People and roles with scale-out: Redis holds the record every instance asks, so a role change
 * through one instance reaches the sessions on all; this instance's copy answers while Redis is
 * away. The creator is decided by Redis (SET NX): once, across instances. Changes are refused
 * while Redis is down: they must hold everywhere, or not at all.
 */
export class SharedPeople implements PeopleStore {
  constructor(
    private readonly local: PeopleStore,
    private readonly link: RedisLink,
  ) {}

  private fromRedis<T>(read: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    return redisOrLocal(this.link, read, local);
  }

  getPeople(name: string): Promise<PeopleRecord | undefined> {
    return this.fromRedis(
      async () => {
        const value = await this.link.command<string | null>(['GET', peopleKey(name)]);
        return value ? (JSON.parse(value) as PeopleRecord) : undefined;
      },
      () => this.local.getPeople(name),
    );
  }

  async putPeople(name: string, record: PeopleRecord): Promise<void> {
    await this.link.command(['SET', peopleKey(name), JSON.stringify(record)]).catch(unavailable);
    await this.local.putPeople(name, record);
  }

  async createPeople(name: string, record: PeopleRecord): Promise<boolean> {
    const set = await this.link.command<string | null>(['SET', peopleKey(name), JSON.stringify(record), 'NX']).catch(unavailable);
    if (set === null) return false;
    await this.local.putPeople(name, record);
    return true;
  }

  async putMine(email: string, name: string, entry: MineEntry): Promise<void> {
    await this.link.command(['HSET', mineKey(email), name, JSON.stringify(entry)]).catch(unavailable);
    await this.local.putMine(email, name, entry);
  }

  async deleteMine(email: string, name: string): Promise<void> {
    await this.link.command(['HDEL', mineKey(email), name]).catch(unavailable);
    await this.local.deleteMine(email, name);
  }

  listMine(email: string): Promise<Array<{ name: string; entry: MineEntry }>> {
    return this.fromRedis(
      async () => hashPairs(await this.link.command(['HGETALL', mineKey(email)])).map(([k, v]) => ({ name: String(k), entry: JSON.parse(String(v)) as MineEntry })),
      () => this.local.listMine(email),
    );
  }
}
