import { randomUUID } from 'node:crypto';
import { createClient, ErrorReply, RESP_TYPES } from '@redis/client';
import type { Gauge } from 'prom-client';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EPOCH_KEY } from './keys.js';

type Client = ReturnType<typeof createClient>;
export type Arg = string | Buffer;
/** Replies with bulk strings as Buffers (updates are binary). */
const BINARY = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

const PROBE_MIN_MS = 100;
const PROBE_MAX_MS = 2000;

export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * The instance's connections to Redis and whether Redis counts as up. Three connections, as
 * node-redis recommends: commands (pipelined), blocking stream reads, and pub/sub. All fail
 * fast while disconnected (no offline queue: a slow or absent Redis must never hold edits in
 * memory without bound). A command not answered within REDIS_TIMEOUT_MS marks Redis down:
 * the instance goes on from LevelDB alone, probes with backoff, and tells `onUp` when Redis
 * answers again (with the data set's epoch, which changes when Redis restarted empty).
 */
export class RedisLink {
  readonly commands: Client;
  readonly blocking: Client;
  readonly pubsub: Client;
  private isUp = false;
  private probing: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Random id of Redis's current data set (see keys.ts). */
  epoch = '';

  constructor(
    url: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly gauge: Gauge,
    private readonly onUp: (epochChanged: boolean) => Promise<void>,
  ) {
    const reconnectStrategy = (retries: number): number => Math.min(PROBE_MIN_MS * 2 ** retries, PROBE_MAX_MS);
    this.commands = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: Math.max(timeoutMs, 1000) } });
    this.blocking = this.commands.duplicate();
    this.pubsub = this.commands.duplicate();
    for (const c of [this.commands, this.blocking, this.pubsub]) {
      // Connection errors are handled by going local-only; node-redis reconnects by itself.
      c.on('error', (err: Error) => this.markDown(err));
    }
    gauge.set(0);
  }

  get up(): boolean {
    return this.isUp;
  }

  /** Connects; refuses an evicting Redis (ConfigError). Without Redis, starts local-only and keeps trying. */
  async start(): Promise<void> {
    try {
      await this.withTimeout(Promise.all([this.commands.connect(), this.blocking.connect(), this.pubsub.connect()]), Math.max(this.timeoutMs, 2000));
    } catch (err) {
      this.markDown(err);
      return;
    }
    await this.checkEvictionPolicy();
    await this.recover();
  }

  private async checkEvictionPolicy(): Promise<void> {
    let policy: string | undefined;
    try {
      const reply = (await this.commands.sendCommand(['CONFIG', 'GET', 'maxmemory-policy'])) as unknown;
      policy = Array.isArray(reply) ? String(reply[1]) : (reply as Record<string, string>)['maxmemory-policy'];
    } catch (err) {
      // Managed Redis often disables CONFIG: then the operator's word (README) is all we have.
      this.logger.warn({ err: (err as Error).message }, 'cannot read Redis maxmemory-policy; make sure it is noeviction');
      return;
    }
    if (policy?.startsWith('allkeys-')) {
      throw new ConfigError(`REDIS_URL points at a Redis with maxmemory-policy ${policy}, which may evict documents; set it to noeviction (or a volatile-* policy)`);
    }
  }

  /**
   * A command, rejected fast while Redis is down and after REDIS_TIMEOUT_MS (which marks it
   * down, as a lost connection does). An error reply (Redis answered, e.g. WRONGTYPE) is about
   * that command only: it is thrown without marking Redis down.
   */
  async command<T = unknown>(args: readonly Arg[], binary = false): Promise<T> {
    if (!this.isUp) throw new Error('Redis is down');
    try {
      return (await this.withTimeout(this.commands.sendCommand(args as Arg[], binary ? BINARY : undefined), this.timeoutMs)) as T;
    } catch (err) {
      if (!(err instanceof ErrorReply)) this.markDown(err);
      throw err;
    }
  }

  /** A blocking read on its own connection (no timeout of ours: it blocks by design). */
  blockingRead<T = unknown>(args: readonly Arg[]): Promise<T> {
    return this.blocking.sendCommand(args as Arg[], BINARY) as Promise<T>;
  }

  withTimeout<T>(promise: Promise<T>, ms = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** Redis failed or was too slow: go local-only (logged once) and probe until it answers. */
  markDown(err: unknown): void {
    if (this.stopped) return;
    if (this.isUp) {
      this.isUp = false;
      this.gauge.set(0);
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Redis is unavailable: serving from LevelDB only until it answers again');
    }
    this.probe(PROBE_MIN_MS);
  }

  private probe(delayMs: number): void {
    if (this.probing || this.stopped || this.isUp) return;
    this.probing = setTimeout(() => {
      this.probing = undefined;
      this.withTimeout(this.commands.sendCommand(['PING']))
        .then(() => this.recover())
        .catch(() => this.probe(Math.min(delayMs * 2, PROBE_MAX_MS)));
    }, delayMs);
    this.probing.unref();
  }

  /** Redis answers: read (or create) the data set's epoch, then reconcile through `onUp`. */
  private async recover(): Promise<void> {
    if (this.isUp || this.stopped) return;
    const changed = await this.readEpoch();
    this.isUp = true;
    try {
      await this.onUp(changed);
    } catch (err) {
      this.markDown(err);
      return;
    }
    if (!this.isUp) return;
    this.gauge.set(1);
    this.logger.info({ epochChanged: changed }, 'Redis is available: documents reconciled');
  }

  /** Reads the epoch (creating it on an empty Redis); true when it differs from the one known before. */
  async readEpoch(): Promise<boolean> {
    await this.withTimeout(this.commands.sendCommand(['SET', EPOCH_KEY, randomUUID(), 'NX']));
    const epoch = String(await this.withTimeout(this.commands.sendCommand(['GET', EPOCH_KEY])));
    const changed = this.epoch !== '' && epoch !== this.epoch;
    this.epoch = epoch;
    return changed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.isUp = false;
    clearTimeout(this.probing);
    await Promise.all([this.commands, this.blocking, this.pubsub].map((c) => (c.isOpen ? c.destroy() : undefined)));
  }
}
