import { ErrorReply } from '@redis/client';
import type { Logger } from '../logger.js';
import { logKey, nameOfLogKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { entryUpdates, type RawEntry } from './SharedLog.js';

/** How long one blocking read waits before it is issued again (also bounds a stop). */
const BLOCK_MS = 1000;
const COUNT = 1000;

/** Told of what other instances appended to an open document. */
export type EntriesHandler = (name: string, updates: Uint8Array[], lastId: string, entries: number) => void;

/**
 * Live delivery between instances: one blocking XREAD over the streams of every open document,
 * from the last id held of each. Blocking stream reads rather than pub/sub: the stream is the one
 * ordered source, so nothing can arrive out of order or be missed in a gap between a channel and
 * the log (Hocuspocus' Redis extension loses updates exactly there), at the cost of re-issuing
 * the read when the set of documents changes (CLIENT UNBLOCK restarts it at once).
 * Entries this instance wrote itself are skipped (it applied them before appending); a bad
 * entry is logged and skipped, never stalling the other documents.
 */
export class LogReader {
  private readonly positions = new Map<string, string>();
  private running = false;
  private wake: (() => void) | undefined;
  private blockingId: number | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly logger: Logger,
    private readonly handle: EntriesHandler,
  ) {}

  /** Follows `name`'s stream after `id` (replacing any position held). */
  follow(name: string, id: string): void {
    const changed = this.positions.get(name) !== id;
    this.positions.set(name, id);
    if (changed) this.restart();
  }

  unfollow(name: string): void {
    this.positions.delete(name);
  }

  position(name: string): string | undefined {
    return this.positions.get(name);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  /** Re-issues the blocking read now (the set of documents or Redis's state changed). */
  restart(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    if (this.blockingId !== undefined && this.link.up) {
      this.link.command(['CLIENT', 'UNBLOCK', String(this.blockingId)]).catch(() => undefined);
    }
  }

  stop(): void {
    this.running = false;
    this.restart();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.link.up || this.positions.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, BLOCK_MS).unref();
        });
        continue;
      }
      try {
        this.blockingId ??= Number(await this.link.blocking.sendCommand(['CLIENT', 'ID']));
        const names = [...this.positions.keys()];
        const reply = await this.link.blockingRead<unknown>([
          'XREAD', 'COUNT', String(COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS',
          ...names.map(logKey), ...names.map((n) => this.positions.get(n)!),
        ]);
        this.dispatch(reply);
      } catch (err) {
        this.blockingId = undefined;
        if (!this.running) continue;
        // One key that is not a stream fails the whole XREAD: drop that document, not all of them.
        if (err instanceof ErrorReply && err.message.startsWith('WRONGTYPE')) await this.dropNonStreams();
        else this.link.markDown(err);
      }
    }
  }

  /** Stops following documents whose log key holds something other than a stream (logged). */
  private async dropNonStreams(): Promise<void> {
    for (const name of [...this.positions.keys()]) {
      const type = await this.link.command(['TYPE', logKey(name)]).catch(() => 'none');
      if (type !== 'stream' && type !== 'none') {
        this.positions.delete(name);
        this.logger.error({ doc: name, key: logKey(name), type }, 'the shared log key is not a stream: this document is no longer followed');
      }
    }
  }

  /** XREAD's reply: node-redis gives a map from stream key to entries (or pairs, by version). */
  private dispatch(reply: unknown): void {
    if (!reply) return;
    const streams: Array<[string, RawEntry[]]> = Array.isArray(reply)
      ? (reply as Array<[Buffer | string, RawEntry[]]>).map(([k, e]) => [String(k), e])
      : Object.entries(reply as Record<string, RawEntry[]>);
    for (const [key, entries] of streams) {
      const name = nameOfLogKey(key);
      if (name === undefined || !this.positions.has(name) || entries.length === 0) continue;
      const updates: Uint8Array[] = [];
      let lastId = this.positions.get(name)!;
      for (const [id, fields] of entries) {
        try {
          updates.push(...entryUpdates(fields, this.instance));
        } catch (err) {
          this.logger.error({ doc: name, id: String(id), err }, 'unreadable stream entry: skipped');
        }
        lastId = String(id);
      }
      this.positions.set(name, lastId);
      this.handle(name, updates, lastId, entries.length);
    }
  }
}
