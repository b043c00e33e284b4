import { randomBytes } from 'node:crypto';
import type { Access, Mode } from '../auth/access.js';
import { mintToken } from '../auth/tokens.js';
import { AuthError, UnavailableError } from '../errors.js';
import type { SharedShares } from '../cluster/SharedShares.js';
import type { ShareRecord, ShareStore } from '../storage/DocStore.js';

/** A link without an expiry still needs a JWT `exp`: ten years. */
const NEVER_S = 10 * 365 * 24 * 3600;

/**
 * Share links (DESIGN.md, "Contract — access"): records kept by the server, so that any writer
 * can list and revoke them. Tokens carry the exact document (`match: "exact"`), the link's id
 * and its mode, never the creator's name. With REDIS_URL the records live in Redis (every
 * instance answers the same) and are cached in LevelDB for when Redis is away.
 */
export class Shares {
  constructor(
    private readonly secret: string,
    private readonly store: ShareStore,
    private readonly shared?: SharedShares | undefined,
  ) {}

  async create(name: string, mode: Mode, expiresInSeconds: number | undefined, creator: string | null, now = Date.now()): Promise<{ record: ShareRecord; token: string }> {
    const record: ShareRecord = {
      id: randomBytes(12).toString('base64url'),
      mode,
      createdAt: now,
      expiresAt: expiresInSeconds === undefined ? null : now + expiresInSeconds * 1000,
      creator,
    };
    if (this.shared) {
      // Refused while Redis is down: a link must work on every instance, or not exist.
      await this.shared.put(name, record).catch(() => {
        throw new UnavailableError('share links cannot be created while Redis is unavailable; try again shortly');
      });
    }
    await this.store.putShare(name, record);
    return { record, token: await this.tokenFor(name, record, now) };
  }

  /** A token for an existing link (the list shows each link again): same claims, same expiry. */
  tokenFor(name: string, record: ShareRecord, now = Date.now()): Promise<string> {
    const ttl = record.expiresAt === null ? NEVER_S : Math.max(1, Math.ceil((record.expiresAt - now) / 1000));
    return mintToken(this.secret, { doc: name, mode: record.mode, share: record.id, match: 'exact' }, ttl);
  }

  async list(name: string): Promise<ShareRecord[]> {
    if (this.shared?.up) {
      try {
        return await this.shared.list(name);
      } catch {
        // Redis just went away: the local copy answers
      }
    }
    return this.store.listShares(name);
  }

  async get(name: string, id: string): Promise<ShareRecord | undefined> {
    if (this.shared?.up) {
      try {
        return await this.shared.get(name, id);
      } catch {
        // as in list()
      }
    }
    return (await this.store.listShares(name)).find((r) => r.id === id);
  }

  /** Removes the link; false when there was none. Its sessions are closed by the caller. */
  async revoke(name: string, id: string): Promise<boolean> {
    const existed = (await this.get(name, id)) !== undefined;
    if (this.shared) await this.shared.delete(name, id);
    await this.store.deleteShare(name, id);
    return existed;
  }

  /** Throws AuthError (401) when `access` comes from a link that no longer exists. */
  async check(name: string, access: Access): Promise<void> {
    if (access.share === undefined) return;
    if (!(await this.get(name, access.share))) throw new AuthError('link revoked', 401);
  }
}
