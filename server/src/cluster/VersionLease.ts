import type { Logger } from '../logger.js';
import { versionLeaseKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { sharedStep } from './sharedStep.js';

/** Takes or extends the version lease. KEYS: lease. ARGV: instance, ms. */
const TAKE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

/** Deletes the lease if it is this instance's. KEYS: lease. ARGV: instance. */
const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * With scale-out, one instance records a document's automatic versions: the holder of its
 * version lease, renewed while it edits (history/VersionRecorders.ts asks `mayRecord`).
 */
export class VersionLease {
  constructor(
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly logger: Logger,
  ) {}

  async mayRecord(name: string, leaseMs: number): Promise<boolean> {
    if (!this.link.up) return true; // local-only: every instance keeps its own history meanwhile
    const got = await sharedStep(this.link, this.logger, 'version lease', () => this.link.command(['EVAL', TAKE_LEASE, '1', versionLeaseKey(name), this.instance, String(leaseMs)]));
    return got === undefined || Number(got) === 1;
  }

  /** Gives the version lease up (the document closed here), if this instance holds it. */
  async release(name: string): Promise<void> {
    await sharedStep(this.link, this.logger, 'releasing the version lease', () => this.link.command(['EVAL', RELEASE_LEASE, '1', versionLeaseKey(name), this.instance]));
  }
}
