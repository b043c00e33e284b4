import { randomUUID } from 'node:crypto';
import { Gauge } from 'prom-client';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ClusterPort } from '../rooms/ports.js';
import type { ClusterMarkStore } from '../storage/kinds/marks.js';
import type { UpdateStore } from '../storage/kinds/updates.js';
import { DEFAULT_FOLD, Folder, type FoldOptions } from './Folder.js';
import { LogReader } from './LogReader.js';
import { PresenceRelay, type RoomLookup } from './PresenceRelay.js';
import { RedisLink } from './RedisLink.js';
import type { FilesDeleted } from './SharedFiles.js';
import { SharedLog } from './SharedLog.js';
import { DELETED_CHANNEL, FILES_DELETED_CHANNEL } from './keys.js';

/** An instance tries to fold a document's stream after reading this many entries of it. */
const FOLD_EVERY_ENTRIES = 500;

export interface ClusterOptions {
  url: string;
  timeoutMs: number;
  /** This instance's own update log, which the shared log is kept beside. */
  updates: UpdateStore;
  /** What this instance holds of each document's shared log. */
  marks: ClusterMarkStore;
  logger: Logger;
  metrics: Metrics;
  fold?: Partial<FoldOptions>;
  /** Another instance deleted a document: close its peers here and drop the local copy. */
  onDeleted?: (name: string) => void;
}

/**
 * Scale-out over Redis (DESIGN.md, "scale-out"): the rooms' ClusterPort. Every accepted update
 * goes to a Redis Stream per document (SharedLog) in parallel with the LevelDB batch; other
 * instances follow the streams of their open documents (LogReader) and store what they read;
 * opening a document reads what the log has beyond this instance's mark; presence crosses
 * instances over pub/sub (PresenceRelay); one instance at a time folds a stream (Folder).
 * Redis down or slow: local-only, then every open or dirty document is reconciled both ways.
 */
export class Cluster implements ClusterPort {
  readonly instance = randomUUID();
  /** The connections to Redis, which the shared kinds of stored data use too (cluster/sharedStores.ts). */
  readonly link: RedisLink;
  private readonly log: SharedLog;
  private readonly reader: LogReader;
  private readonly folder: Folder;
  /** Told when another instance's file collector deleted files (the shared files drop their copies here). */
  onFilesDeleted: ((notice: FilesDeleted) => void) | undefined;
  private presence: PresenceRelay | undefined;
  private rooms: RoomLookup | undefined;
  private readonly sinceFold = new Map<string, number>();
  private reconciling: Promise<void> | undefined;

  constructor(private readonly options: ClusterOptions) {
    const gauge = new Gauge({ name: 'tandem_redis_up', help: 'Whether Redis is reachable (1) or the instance serves from LevelDB only (0)', registers: [options.metrics.registry] });
    this.link = new RedisLink(options.url, options.timeoutMs, options.logger, gauge, (changed) => this.reconcileAll(changed));
    this.log = new SharedLog(this.link, options.marks, this.instance, options.logger);
    this.reader = new LogReader(this.link, this.instance, options.logger, this.handleEntries);
    this.folder = new Folder(this.link, options.logger, { ...DEFAULT_FOLD, ...options.fold });
  }

  /** Connects (local-only when Redis is away) and starts following; `rooms` is the registry. */
  async start(rooms: RoomLookup): Promise<void> {
    this.rooms = rooms;
    this.presence = new PresenceRelay(this.link, this.instance, rooms, this.options.logger, this.checkEpoch);
    await this.link.start();
    await this.presence.start();
    await this.link.pubsub.subscribe(DELETED_CHANNEL, this.handleDeleted).catch((err: unknown) => {
      this.options.logger.warn({ err: (err as Error).message }, 'cannot subscribe to document deletions; peers of a document deleted elsewhere are closed when they next write');
    });
    await this.link.pubsub.subscribe(FILES_DELETED_CHANNEL, this.handleFilesDeleted).catch((err: unknown) => {
      this.options.logger.warn({ err: (err as Error).message }, 'cannot subscribe to deleted files; copies cached here go when this instance collects the document');
    });
    this.reader.start();
  }

  private readonly handleFilesDeleted = (message: string): void => {
    try {
      const notice = JSON.parse(message) as Partial<FilesDeleted>;
      const valid = typeof notice.name === 'string' && typeof notice.cutoff === 'number' && Array.isArray(notice.sha256s) && notice.sha256s.every((s) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s));
      if (!valid) throw new Error('not a file deletion notice');
      if (notice.from !== this.instance) this.onFilesDeleted?.(notice as FilesDeleted);
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'unreadable file deletion notice: ignored');
    }
  };

  async open(name: string, local: () => Y.Doc): Promise<Uint8Array[]> {
    if (!this.link.up) return []; // served from LevelDB; reconciled when Redis answers
    try {
      const mark = await this.log.mark(name);
      const trusted = mark && mark.epoch === this.link.epoch && !mark.dirty && !this.log.dirty.has(name);
      const state = trusted ? await this.log.read(name, mark.id) : await this.log.reconcile(name, local());
      this.reader.follow(name, state.lastId);
      this.log.opened(name, state.lastId);
      if (!trusted || state.lastId !== mark.id) void this.writeMark(name, state.lastId);
      this.presence?.query(name);
      return state.updates;
    } catch (err) {
      // Redis away (it is marked down and the document reconciled when it returns), or an error
      // reply about this document's keys: either way it is served from LevelDB.
      this.options.logger.warn({ doc: name, err: (err as Error).message }, 'cannot read the shared log of a document: serving it from LevelDB');
      return [];
    }
  }

  private readonly handleDeleted = (message: string): void => {
    try {
      const { name, from } = JSON.parse(message) as { name?: unknown; from?: unknown };
      if (typeof name === 'string' && from !== this.instance) this.options.onDeleted?.(name);
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'unreadable deletion notice: ignored');
    }
  };

  close(name: string, erasing = false): Promise<void> {
    this.reader.unfollow(name);
    this.sinceFold.delete(name);
    this.presence?.closed(name);
    return this.log.closed(name, erasing);
  }

  replicate(name: string, written: Promise<void>, update: Uint8Array | undefined): Promise<void> {
    return this.log.replicate(name, written, update);
  }

  publishAwareness(name: string, message: Uint8Array): void {
    this.presence?.publishAwareness(name, message);
  }

  /** Entries other instances appended to an open document: store and apply them, then note the position. */
  private readonly handleEntries = (name: string, updates: Uint8Array[], lastId: string, entries: number): void => {
    const room = this.rooms?.get(name);
    if (!room) return;
    const valid = updates.filter((u) => {
      try {
        Y.decodeUpdate(u);
        return true;
      } catch (err) {
        this.options.logger.error({ doc: name, id: lastId, err }, 'undecodable update in the shared log: skipped');
        return false;
      }
    });
    room.receiveRemote(valid);
    void this.writeMark(name, lastId);
    const seen = (this.sinceFold.get(name) ?? 0) + entries;
    if (seen < FOLD_EVERY_ENTRIES) this.sinceFold.set(name, seen);
    else {
      this.sinceFold.set(name, 0);
      void this.folder.fold(name);
    }
  };

  /** Folds `name` now if no other instance does (operators, tests). */
  fold(name: string): Promise<boolean> {
    return this.folder.fold(name);
  }

  private writeMark(name: string, id: string): Promise<void> {
    return this.log.writeMark(name, id, this.log.dirty.has(name)).catch((err: unknown) => {
      this.options.logger.error({ doc: name, err }, 'cannot record the shared log position');
    });
  }

  /** Redis restarted empty without this instance seeing it down (a quick restart): heal the same way. */
  private readonly checkEpoch = (): void => {
    if (!this.link.up || this.reconciling) return;
    this.link.readEpoch().then(
      (changed) => (changed ? this.reconcileAll(true) : undefined),
      (err: unknown) => this.link.markDown(err),
    );
  };

  /** Redis is back (or lost its data): every open and every dirty document, both ways. */
  private reconcileAll(epochChanged: boolean): Promise<void> {
    this.reconciling ??= (async () => {
      const rooms = this.rooms;
      if (!rooms) return;
      if (epochChanged) this.options.logger.warn('Redis lost its data (new epoch): re-sending every open document');
      for (const name of [...rooms.names()]) {
        const room = rooms.get(name);
        if (!room) continue;
        // Updates accepted while Redis was away may still be on their way into the document
        // (stored, not yet applied): the diff below must include them, or they never reach Redis.
        await room.idle();
        const state = await this.log.reconcile(name, room.doc);
        room.receiveRemote(state.updates);
        this.reader.follow(name, state.lastId);
        await this.writeMark(name, state.lastId);
        // Both ways, as for the document: their states here, and ours there (a removal
        // published while Redis was away for this instance alone was lost).
        this.presence?.query(name);
        this.presence?.announce(name);
      }
      for (const name of [...this.log.dirty]) {
        if (rooms.get(name)) continue;
        const doc = new Y.Doc();
        try {
          const stored = await this.options.updates.load(name);
          doc.transact(() => stored.updates.forEach((u) => Y.applyUpdate(doc, u)));
          await this.log.reconcile(name, doc);
          const mark = await this.log.mark(name);
          // What the log holds beyond the mark is read when the document opens next.
          await this.options.marks.writeClusterMark(name, JSON.stringify({ id: mark?.id ?? '0-0', epoch: mark?.epoch ?? '', dirty: false }));
        } finally {
          doc.destroy();
        }
      }
      this.reader.restart();
    })().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  get redisUp(): boolean {
    return this.link.up;
  }

  /** After the rooms closed (their edits settled): clears their dirty marks, then disconnects. */
  async stop(): Promise<void> {
    await this.log.closeAll();
    this.reader.stop();
    await this.presence?.stop();
    await this.link.stop();
  }
}
