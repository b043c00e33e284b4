import { FILES_DELETED_CHANNEL, fileKey, fileTimesKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';

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
 * Uploaded files in Redis (DESIGN.md, "scale-out": everything shared is in Redis as well, each
 * instance caching it in LevelDB). Content-addressed, so a file never changes once written and
 * any copy of it is the right one. Upload times are shared too: the file collector's grace
 * period counts from the latest upload through any instance.
 */
export class SharedFiles {
  constructor(
    private readonly link: RedisLink,
    private readonly instance: string,
  ) {}

  get up(): boolean {
    return this.link.up;
  }

  /** Stores the file and its upload time in Redis; rejects when Redis is down or slow. */
  async put(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void> {
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.link.command(['EVAL', PUT, '2', fileKey(name, sha256), fileTimesKey(name), sha256, String(uploadedAt), value]);
  }

  /**
   * The file and its upload time from Redis (undefined time: uploaded before times were kept),
   * or undefined when Redis has none (or is down: the instance knows only its own).
   */
  async get(name: string, sha256: string): Promise<{ bytes: Uint8Array; uploadedAt: number | undefined } | undefined> {
    if (!this.link.up) return undefined;
    const [bytes, at] = await Promise.all([
      this.link.command<Buffer | null>(['GET', fileKey(name, sha256)], true),
      this.link.command<Buffer | null>(['HGET', fileTimesKey(name), sha256], true),
    ]);
    if (!bytes) return undefined;
    return { bytes, uploadedAt: at ? Number(at.toString()) : undefined };
  }

  /** Upload times of the document's files known to Redis, by SHA-256. Rejects when Redis is down. */
  async times(name: string): Promise<Map<string, number>> {
    const raw = await this.link.command<unknown>(['HGETALL', fileTimesKey(name)]);
    // RESP2 arrays or RESP3 maps, depending on the client: take both.
    const pairs: Array<[unknown, unknown]> = Array.isArray(raw)
      ? raw.flatMap((v, i) => (i % 2 === 0 ? [[v, raw[i + 1]] as [unknown, unknown]] : []))
      : Object.entries((raw ?? {}) as Record<string, unknown>);
    const out = new Map<string, number>();
    for (const [sha, at] of pairs) {
      const ms = Number(String(at));
      if (/^[0-9a-f]{64}$/.test(String(sha)) && Number.isFinite(ms)) out.set(String(sha), ms);
    }
    return out;
  }

  /** Gives files without a shared upload time one (never replacing a time that is there). */
  async stamp(name: string, sha256s: readonly string[], at: number): Promise<void> {
    await Promise.all(sha256s.map((sha) => this.link.command(['HSETNX', fileTimesKey(name), sha, String(at)])));
  }

  /**
   * Deletes files not uploaded again since `cutoff` and tells the other instances to drop their
   * copies; resolves with the SHAs deleted. Rejects when Redis is down.
   */
  async delete(name: string, sha256s: readonly string[], cutoff: number): Promise<string[]> {
    if (sha256s.length === 0) return [];
    const keys = sha256s.map((sha) => fileKey(name, sha));
    const gone = (await this.link.command<unknown[]>(['EVAL', DELETE, String(1 + keys.length), fileTimesKey(name), ...keys, String(cutoff), ...sha256s])).map(String);
    if (gone.length > 0) {
      const notice: FilesDeleted = { name, sha256s: gone, cutoff, from: this.instance };
      await this.link.command(['PUBLISH', FILES_DELETED_CHANNEL, JSON.stringify(notice)]);
    }
    return gone;
  }

  /** Removes every file of a deleted document that has a shared upload time. */
  async deleteAll(name: string): Promise<void> {
    const shas = [...(await this.times(name)).keys()];
    await this.link.command(['DEL', fileTimesKey(name), ...shas.map((sha) => fileKey(name, sha))]);
  }
}
