import type { Logger } from '../logger.js';
import { decodeVersionMeta, encodeVersionMeta, type VersionMeta, type VersionStore } from '../storage/kinds/versions.js';
import { versionBodiesKey, versionsKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { hashPairs, sharedStep } from './sharedStep.js';

/**
 * The version history with scale-out: kept in Redis as well as in this instance's store, so
 * that every instance lists the same versions. Reads prefer Redis and cache the bodies they
 * fetch here; while Redis is down, the local copy answers.
 */
export class SharedVersions implements VersionStore {
  constructor(
    private readonly local: VersionStore,
    private readonly link: RedisLink,
    private readonly logger: Logger,
  ) {}

  private shared<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    return sharedStep(this.link, this.logger, what, fn);
  }

  async putVersion(name: string, meta: VersionMeta, body: Uint8Array): Promise<void> {
    await this.local.putVersion(name, meta, body);
    const id = String(meta.id);
    await this.shared('storing a version', () =>
      Promise.all([this.link.command(['HSET', versionBodiesKey(name), id, Buffer.from(body)]), this.link.command(['HSET', versionsKey(name), id, encodeVersionMeta(meta)])]),
    );
  }

  async listVersions(name: string): Promise<VersionMeta[]> {
    const raw = await this.shared('listing versions', () => this.link.command<Buffer[]>(['HGETALL', versionsKey(name)], true));
    if (!raw) return this.local.listVersions(name);
    return hashPairs(raw)
      .map(([id, value]) => decodeVersionMeta(Number(String(id)), value as Buffer))
      .sort((a, b) => a.id - b.id);
  }

  async readVersion(name: string, id: number): Promise<Uint8Array | undefined> {
    const mine = await this.local.readVersion(name, id);
    if (mine) return mine;
    const got = await this.shared('reading a version', () =>
      Promise.all([this.link.command<Buffer | null>(['HGET', versionBodiesKey(name), String(id)], true), this.link.command<Buffer | null>(['HGET', versionsKey(name), String(id)], true)]),
    );
    if (!got || !got[0] || !got[1]) return undefined;
    await this.local.putVersion(name, decodeVersionMeta(id, got[1]), got[0]); // cached here from now on
    return got[0];
  }

  async deleteVersions(name: string, ids: readonly number[]): Promise<void> {
    await this.local.deleteVersions(name, ids);
    if (ids.length === 0) return;
    const fields = ids.map(String);
    await this.shared('thinning versions', () => Promise.all([this.link.command(['HDEL', versionsKey(name), ...fields]), this.link.command(['HDEL', versionBodiesKey(name), ...fields])]));
  }
}
