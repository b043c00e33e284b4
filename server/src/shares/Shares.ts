import { randomBytes } from 'node:crypto';
import type { Mode } from '../auth/access.js';
import type { ShareCheck } from '../auth/gate.js';
import { mintToken } from '../auth/tokens.js';
import type { ShareRecord, ShareStore } from '../storage/kinds/shares.js';

/** A link without an expiry still needs a JWT `exp`: ten years. */
const NEVER_S = 10 * 365 * 24 * 3600;

/** How often the links that open sessions use are checked again (a revocation on another instance). */
export const SHARE_WATCH_MS = 2000;

/** One link of one document. */
export interface ShareRef {
  readonly name: string;
  readonly id: string;
}

/**
 * Share links (DESIGN.md, "Contract — access"): records kept by the server, so that any writer
 * can list and revoke them. Tokens carry the exact document (`match: "exact"`), the link's id
 * and its mode, never the creator's name or id. With REDIS_URL the store is the shared one
 * (cluster/SharedShares.ts): every instance answers the same.
 */
export class Shares implements ShareCheck {
  private readonly revokedListeners = new Set<(ref: ShareRef) => void>();

  constructor(
    private readonly secret: string,
    private readonly store: ShareStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(name: string, mode: Mode, expiresInSeconds: number | undefined, creator: string | null): Promise<{ record: ShareRecord; token: string }> {
    const now = this.now();
    const record: ShareRecord = {
      id: randomBytes(12).toString('base64url'),
      mode,
      createdAt: now,
      expiresAt: expiresInSeconds === undefined ? null : now + expiresInSeconds * 1000,
      creator,
    };
    await this.store.putShare(name, record);
    return { record, token: await this.tokenFor(name, record) };
  }

  /** A token for an existing link (the list shows each link again): same claims, same expiry. */
  tokenFor(name: string, record: ShareRecord): Promise<string> {
    const ttl = record.expiresAt === null ? NEVER_S : Math.max(1, Math.ceil((record.expiresAt - this.now()) / 1000));
    return mintToken(this.secret, { doc: name, mode: record.mode, share: record.id, match: 'exact' }, ttl);
  }

  list(name: string): Promise<ShareRecord[]> {
    return this.store.listShares(name);
  }

  get(name: string, id: string): Promise<ShareRecord | undefined> {
    return this.store.getShare(name, id);
  }

  async isLive(name: string, id: string): Promise<boolean> {
    const record = await this.get(name, id);
    return record !== undefined && (record.expiresAt === null || record.expiresAt > this.now());
  }

  /** Removes the link and tells the watchers at once; false when there was none. */
  async revoke(name: string, id: string): Promise<boolean> {
    const existed = (await this.get(name, id)) !== undefined;
    await this.store.deleteShare(name, id);
    this.emitRevoked({ name, id });
    return existed;
  }

  /**
   * Calls `onRevoked` for each link that `inUse` names once it is no longer live: at once for a
   * revocation through this instance, within SHARE_WATCH_MS for one through another. Returns the
   * function that stops watching.
   */
  watch(inUse: () => Iterable<ShareRef>, onRevoked: (ref: ShareRef) => void, onError: (ref: ShareRef, err: unknown) => void): () => void {
    this.revokedListeners.add(onRevoked);
    const timer = setInterval(() => {
      const seen = new Map<string, ShareRef>();
      for (const ref of inUse()) seen.set(`${ref.name}\u0000${ref.id}`, ref);
      for (const ref of seen.values()) {
        this.isLive(ref.name, ref.id).then(
          (live) => {
            if (!live) onRevoked(ref);
          },
          (err: unknown) => onError(ref, err),
        );
      }
    }, SHARE_WATCH_MS);
    return () => {
      clearInterval(timer);
      this.revokedListeners.delete(onRevoked);
    };
  }

  private emitRevoked(ref: ShareRef): void {
    for (const listener of this.revokedListeners) listener(ref);
  }
}
