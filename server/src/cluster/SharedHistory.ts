import type { Logger } from '../logger.js';
import type { DocSummary, DocumentIndex, VersionMeta, VersionStore } from '../storage/DocStore.js';
import { decodeVersionMeta, encodeVersionMeta } from '../storage/versionCodec.js';
import { DELETED_CHANNEL, DOCS_KEY, fenceKey, leaseKey, logKey, snapKey, summaryKey, versionBodiesKey, versionLeaseKey, versionsKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import type { SharedFiles } from './SharedFiles.js';

/** Takes or extends the version lease. KEYS: lease. ARGV: instance, ms. */
const TAKE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

/** Deletes the lease if it is this instance's. KEYS: lease. ARGV: instance. */
const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The version history, summaries and document list with scale-out (for the history and the
 * API, not the rooms' message path): keeps them in Redis as well as in
 * the local LevelDB, so every instance answers the same. Reads prefer Redis and cache what
 * they fetch locally; while Redis is down, the local copy answers. Only one instance records a
 * document's automatic versions: the holder of its version lease (`mayRecord`).
 */
export class SharedHistory implements VersionStore, DocumentIndex {
  constructor(
    private readonly local: VersionStore & DocumentIndex,
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly logger: Logger,
    private readonly files?: SharedFiles,
  ) {}

  /** Runs a Redis step; when Redis is down or fails, logs and goes on locally. */
  private async shared<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (!this.link.up) return undefined;
    try {
      return await fn();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, `Redis: ${what} failed; answered from this instance's copy`);
      return undefined;
    }
  }

  async mayRecord(name: string, leaseMs: number): Promise<boolean> {
    if (!this.link.up) return true; // local-only: every instance keeps its own history meanwhile
    const got = await this.shared('version lease', () => this.link.command(['EVAL', TAKE_LEASE, '1', versionLeaseKey(name), this.instance, String(leaseMs)]));
    return got === undefined || Number(got) === 1;
  }

  /** Gives the version lease up (the document closed here), if this instance holds it. */
  async releaseRecording(name: string): Promise<void> {
    await this.shared('releasing the version lease', () => this.link.command(['EVAL', RELEASE_LEASE, '1', versionLeaseKey(name), this.instance]));
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
    const out: VersionMeta[] = [];
    // RESP2 arrays or RESP3 maps, depending on the client: take both.
    const pairs: Array<[unknown, unknown]> = Array.isArray(raw) ? raw.flatMap((v, i) => (i % 2 === 0 ? [[v, raw[i + 1]] as [unknown, unknown]] : [])) : Object.entries(raw as Record<string, unknown>);
    for (const [id, value] of pairs) out.push(decodeVersionMeta(Number(String(id)), value as Buffer));
    return out.sort((a, b) => a.id - b.id);
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

  async writeSummary(name: string, summary: DocSummary): Promise<void> {
    await this.local.writeSummary(name, summary);
    await this.shared('storing a summary', () => Promise.all([this.link.command(['SET', summaryKey(name), JSON.stringify(summary)]), this.link.command(['ZADD', DOCS_KEY, '0', name])]));
  }

  async readSummary(name: string): Promise<DocSummary | undefined> {
    const raw = await this.shared('reading a summary', () => this.link.command<Buffer | null>(['GET', summaryKey(name)], true));
    if (raw) return JSON.parse(raw.toString('utf8')) as DocSummary;
    return this.local.readSummary(name);
  }

  /** The names Redis knows merged with this instance's own (a new document is listed here before its first summary). */
  /**
   * Whether the shared log holds anything for `name` (written through any instance), asked of
   * Redis without opening the document: a GET for a random name must not load a room.
   */
  async hasLog(name: string): Promise<boolean> {
    const n = await this.shared('looking a document up', () => this.link.command<number>(['EXISTS', logKey(name), snapKey(name)]));
    return Number(n ?? 0) > 0;
  }

  async listDocuments(options: { after?: string | undefined; prefix: string; limit: number }): Promise<string[]> {
    const { after, prefix, limit } = options;
    const from = after !== undefined && after >= prefix ? `(${after}` : `[${prefix}`;
    const shared = await this.shared('listing documents', () => this.link.command<Array<Buffer | string>>(['ZRANGEBYLEX', DOCS_KEY, from, '+', 'LIMIT', '0', String(limit)]));
    const mine = await this.local.listDocuments(options);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    const names = new Set([...mine, ...(shared ?? []).map(String).filter((n) => n.startsWith(prefix))]);
    return [...names].sort((a, b) => Buffer.compare(bytes(a), bytes(b))).slice(0, limit);
  }

  async deleteDocument(name: string): Promise<void> {
    await this.local.deleteDocument(name);
    await this.shared('deleting a document', async () => {
      await this.link.command(['DEL', logKey(name), snapKey(name), leaseKey(name), fenceKey(name), versionsKey(name), versionBodiesKey(name), summaryKey(name), versionLeaseKey(name)]);
      await this.link.command(['ZREM', DOCS_KEY, name]);
      await this.files?.deleteAll(name);
      await this.link.command(['PUBLISH', DELETED_CHANNEL, JSON.stringify({ name, from: this.instance })]);
    });
  }
}
