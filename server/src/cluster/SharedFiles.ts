import type { Logger } from '../logger.js';
import type { FileStore, StoredFile } from '../storage/kinds/files.js';
import { FILES_DELETED_CHANNEL, fileKey, fileTimesKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { hashPairs } from './sharedStep.js';

/** Stores a file with its upload time, in one step. KEYS: file, times. ARGV: sha256, ms, bytes. */
const PUT = `redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) redis.call('SET', KEYS[1], ARGV[3]) return 1`;

/**
 * Deletes the files not uploaded since `cutoff` and answers which it deleted. KEYS: times, then
 * one file key per SHA. ARGV: cutoff (ms), then the SHAs. Atomic, so that a file uploaded again
 * through another instance meanwhile (its time renewed together with its bytes, see PUT) stays.
 */
const DELETE = `
local gone = {}
for i = 2, #ARGV do
  local at = redis.call('HGET', KEYS[1], ARGV[i])
  if (not at) or tonumber(at) <= tonumber(ARGV[1]) then
    redis.call('DEL', KEYS[i])
    redis.call('HDEL', KEYS[1], ARGV[i])
    gone[#gone + 1] = ARGV[i]
  end
end
return gone`;

/** What an instance tells the others when it deleted files (FILES_DELETED_CHANNEL). */
export interface FilesDeleted {
  name: string;
  sha256s: string[];
  /** Copies uploaded after this (ms) are newer than the decision and stay. */
  cutoff: number;
  from: string;
}

/**
 * Uploaded files with scale-out (DESIGN.md, "scale-out": everything shared is in Redis as well,
 * each instance caching it in its own store). Content-addressed, so a file never changes once
 * written and any copy of it is the right one. Upload times are shared too: the file
 * collector's grace period counts from the latest upload through any instance.
 */
export class SharedFiles implements FileStore {
  constructor(
    private readonly local: FileStore,
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly logger: Logger,
    /** The clock of upload times (tests inject one). */
    private readonly now: () => number,
  ) {}

  /** While Redis is away this instance knows only its own uploads: nothing is collected. */
  get seesAll(): boolean {
    return this.link.up;
  }

  /** Stores the file here and in Redis; Redis down: this instance serves it, others learn of it when it is uploaded again. */
  async putFile(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void> {
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const inRedis = this.link.command(['EVAL', PUT, '2', fileKey(name, sha256), fileTimesKey(name), sha256, String(uploadedAt), value]).catch((err: unknown) => {
      this.logger.warn({ doc: name, err }, 'an uploaded file is not in Redis (Redis down)');
    });
    await Promise.all([this.local.putFile(name, sha256, bytes, uploadedAt), inRedis]);
  }

  /**
   * This instance's copy, or (uploaded through another instance) Redis's, cached here from then
   * on with the shared upload time, so that caching it does not push its collection back.
   */
  async readFile(name: string, sha256: string): Promise<Uint8Array | undefined> {
    const mine = await this.local.readFile(name, sha256);
    if (mine || !this.link.up) return mine;
    const got = await this.fetch(name, sha256).catch(() => undefined);
    if (got) await this.local.putFile(name, sha256, got.bytes, got.uploadedAt ?? this.now());
    return got?.bytes;
  }

  private async fetch(name: string, sha256: string): Promise<{ bytes: Uint8Array; uploadedAt: number | undefined } | undefined> {
    const [bytes, at] = await Promise.all([
      this.link.command<Buffer | null>(['GET', fileKey(name, sha256)], true),
      this.link.command<Buffer | null>(['HGET', fileTimesKey(name), sha256], true),
    ]);
    if (!bytes) return undefined;
    return { bytes, uploadedAt: at ? Number(at.toString()) : undefined };
  }

  /**
   * This instance's files and the shared ones, each with its latest upload through any
   * instance; this instance's alone while Redis is away (`seesAll` is false then).
   */
  async listFiles(name: string): Promise<StoredFile[]> {
    const times = new Map<string, number | undefined>((await this.local.listFiles(name)).map((f) => [f.sha256, f.uploadedAt]));
    const shared = this.link.up ? await this.times(name).catch(() => new Map<string, number>()) : new Map<string, number>();
    for (const [sha, at] of shared) times.set(sha, Math.max(at, times.get(sha) ?? at));
    return [...times].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sha256, uploadedAt]) => ({ sha256, uploadedAt }));
  }

  /** Upload times of the document's files known to Redis, by SHA-256. Rejects when Redis is down. */
  private async times(name: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [sha, at] of hashPairs(await this.link.command<unknown>(['HGETALL', fileTimesKey(name)]))) {
      const ms = Number(String(at));
      if (/^[0-9a-f]{64}$/.test(String(sha)) && Number.isFinite(ms)) out.set(String(sha), ms);
    }
    return out;
  }

  /** Gives files without an upload time one, here and in Redis (never replacing a time that is there). */
  async setFileTimes(name: string, sha256s: readonly string[], at: number): Promise<void> {
    await Promise.all([this.local.setFileTimes(name, sha256s, at), ...sha256s.map((sha) => this.link.command(['HSETNX', fileTimesKey(name), sha, String(at)]))]);
  }

  /**
   * Deletes the files here, and in Redis those not uploaded again since `notUploadedSince` (a
   * Redis script, so that an upload through another instance meanwhile stays); the other
   * instances are told to drop their copies. Redis failing: logged, deleted at the next collection.
   */
  async deleteFiles(name: string, sha256s: readonly string[], notUploadedSince = Number.MAX_SAFE_INTEGER): Promise<void> {
    const remote = this.deleteShared(name, sha256s, notUploadedSince).catch((err: unknown) => {
      this.logger.warn({ doc: name, err }, 'cannot delete unreferenced files from Redis; they are deleted at the next collection');
    });
    await Promise.all([this.local.deleteFiles(name, sha256s), remote]);
  }

  private async deleteShared(name: string, sha256s: readonly string[], cutoff: number): Promise<void> {
    if (sha256s.length === 0) return;
    const keys = sha256s.map((sha) => fileKey(name, sha));
    const gone = (await this.link.command<unknown[]>(['EVAL', DELETE, String(1 + keys.length), fileTimesKey(name), ...keys, String(cutoff), ...sha256s])).map(String);
    if (gone.length > 0) {
      const notice: FilesDeleted = { name, sha256s: gone, cutoff, from: this.instance };
      await this.link.command(['PUBLISH', FILES_DELETED_CHANNEL, JSON.stringify(notice)]);
    }
  }

  /**
   * Another instance deleted files of a document: drop the copies cached here, but not those
   * uploaded here since its decision (their time here is newer than its cutoff).
   */
  async dropCopies(notice: FilesDeleted): Promise<void> {
    const { name, sha256s, cutoff } = notice;
    await this.local.flush(); // an upload queued before this is written, with its newer time
    const mine = new Map((await this.local.listFiles(name)).map((f) => [f.sha256, f.uploadedAt]));
    const drop = sha256s.filter((sha) => mine.has(sha) && (mine.get(sha) ?? -Infinity) <= cutoff);
    if (drop.length > 0) await this.local.deleteFiles(name, drop);
  }

  listDocumentsWithFiles(options: { after?: string | undefined; limit: number }): Promise<string[]> {
    return this.local.listDocumentsWithFiles(options);
  }

  flush(): Promise<void> {
    return this.local.flush();
  }

  /** Removes every file of a deleted document that has a shared upload time. */
  async deleteAll(name: string): Promise<void> {
    const shas = [...(await this.times(name)).keys()];
    await this.link.command(['DEL', fileTimesKey(name), ...shas.map((sha) => fileKey(name, sha))]);
  }
}
