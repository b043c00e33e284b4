import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import { compareIds, fenceKey, leaseKey, logKey, snapKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { docOfUpdates, entryUpdates, type RawEntry } from './SharedLog.js';

/**
 * Writes the fold only if this instance still holds the lease under its fencing token and no
 * fold with a newer token was written; then trims what the snapshot covers, keeping entries
 * newer than the margin for readers that are a little behind.
 * KEYS: snap, log, lease. ARGV: token, update, covered id, trim id.
 */
const COMMIT_FOLD = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if last >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'update', ARGV[2], 'id', ARGV[3], 'fence', ARGV[1])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[4])
redis.call('DEL', KEYS[3])
return 1`;
/** Extends the lease only while it is still this token's. KEYS: lease. ARGV: token, ms. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface FoldOptions {
  /** A lease not renewed for this long lapses (a crashed folder does not block folding for long). */
  leaseMs: number;
  /** Entries younger than this are never trimmed. */
  trimMarginMs: number;
  /** Test seam: runs between reading the log and committing the fold (to make a fold slow). */
  beforeCommit?: (name: string) => Promise<void>;
}

export const DEFAULT_FOLD: FoldOptions = { leaseMs: 15_000, trimMarginMs: 60_000 };

/**
 * Folds a document's stream into its snapshot key and trims it, one instance at a time: a lease
 * (SET NX PX, renewed while the fold runs) with a fencing token (INCR), checked atomically when
 * the fold is written, so a fold that outlived its lease (a paused process) can never write
 * over a newer one, and a slow fold is never run twice. Unlike a Redlock per save, a slow or
 * failing Redis only postpones folding: nothing on the message path waits for it.
 */
export class Folder {
  private readonly running = new Set<string>();

  constructor(
    private readonly link: RedisLink,
    private readonly logger: Logger,
    private readonly options: FoldOptions,
  ) {}

  /** Tries to fold `name` now; resolves true when this instance folded it. */
  async fold(name: string): Promise<boolean> {
    if (this.running.has(name) || !this.link.up) return false;
    this.running.add(name);
    let renew: NodeJS.Timeout | undefined;
    try {
      const token = String(await this.link.command(['INCR', fenceKey(name)]));
      const got = await this.link.command(['SET', leaseKey(name), token, 'NX', 'PX', String(this.options.leaseMs)]);
      if (got === null) return false;
      renew = setInterval(() => {
        this.link.command(['EVAL', RENEW, '1', leaseKey(name), token, String(this.options.leaseMs)]).catch(() => undefined);
      }, this.options.leaseMs / 3);
      renew.unref();
      const [[snapshot, snapId], time] = await Promise.all([
        this.link.command<Array<Buffer | null>>(['HMGET', snapKey(name), 'update', 'id'], true),
        this.link.command<Array<Buffer | string>>(['TIME']),
      ]);
      const entries = await this.link.command<RawEntry[]>(['XRANGE', logKey(name), snapId ? `(${String(snapId)}` : '-', '+'], true);
      if (entries.length === 0) return false;
      const updates: Uint8Array[] = snapshot ? [snapshot] : [];
      for (const [, fields] of entries) updates.push(...entryUpdates(fields));
      const folded = docOfUpdates(name, updates);
      let merged: Uint8Array;
      try {
        merged = Y.encodeStateAsUpdate(folded);
      } finally {
        folded.destroy();
      }
      const covered = String(entries[entries.length - 1]![0]);
      const nowMs = Number(String(time[0])) * 1000 + Math.floor(Number(String(time[1])) / 1000);
      const marginId = `${Math.max(0, nowMs - this.options.trimMarginMs)}-0`;
      await this.options.beforeCommit?.(name);
      const trimId = compareIds(marginId, covered) < 0 ? marginId : covered;
      const done = await this.link.command([
        'EVAL', COMMIT_FOLD, '3', snapKey(name), logKey(name), leaseKey(name),
        token, Buffer.from(merged), covered, trimId,
      ]);
      if (Number(done) !== 1) {
        this.logger.warn({ doc: name }, 'fold lost its lease before committing: discarded');
        return false;
      }
      this.logger.debug({ doc: name, entries: entries.length, bytes: merged.length }, 'shared log folded');
      return true;
    } catch (err) {
      this.logger.warn({ doc: name, err: (err as Error).message }, 'folding the shared log failed; retried later');
      return false;
    } finally {
      clearInterval(renew);
      this.running.delete(name);
    }
  }
}
