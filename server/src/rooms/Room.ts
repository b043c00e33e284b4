import * as Y from 'yjs';
import { CloseCode } from '../closeCodes.js';
import { assertNever } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { encodeSyncStep1, type Message } from '../protocol/messages.js';
import type { StoredDocument, UpdateStore } from '../storage/kinds/updates.js';
import type { Connection } from './Connection.js';
import { corrupt, heal } from './heal.js';
import { senderOf, type UpdateOrigin } from './origins.js';
import type { ClusterPort, Outgoing, RoomWatcher, UpdatePolicy, Wire } from './ports.js';
import { Presence } from './Presence.js';
import { PresenceDelivery } from './PresenceDelivery.js';
import { RoomDocument } from './RoomDocument.js';
import { StoredLog } from './StoredLog.js';
import { WritePipeline } from './WritePipeline.js';

/** Told of the changes applied to a room: where each update came from, in order, and the updates. */
export type AppliedListener = (origins: readonly UpdateOrigin[], updates: readonly Uint8Array[]) => void;

export interface RoomDeps {
  store: UpdateStore;
  logger: Logger;
  metrics: Metrics;
  /** Encodes messages once for every receiver of a broadcast. */
  wire: Wire;
  compactAfterUpdates: number;
  /**
   * Stored updates as one snapshot, in a thread of its own (the conversion pool): what compaction
   * stores. Absent (a room built alone), the room's document is encoded on the event loop.
   */
  mergeUpdates?: ((updates: Uint8Array[]) => Promise<Uint8Array>) | undefined;
  /** A local update that would take the stored document past this is refused (4413). */
  maxDocumentBytes: number;
  /** A larger awareness state is never kept or relayed; its sender is closed (1009). */
  maxAwarenessBytes: number;
  /** The bytes of the awareness states one room keeps (MAX_PRESENCE_BYTES; unbounded when absent). */
  maxPresenceBytes?: number | undefined;
  /** A ping unanswered this long lets another connection take over an awareness ID. */
  presenceStaleMs: number;
  /** Awareness client IDs one connection may introduce (MAX_AWARENESS_IDS; unbounded when absent). */
  maxAwarenessIds?: number | undefined;
  /** Scale-out (with REDIS_URL). */
  cluster?: ClusterPort | undefined;
  /**
   * Follows each loaded room from its start (version history subscribes to its applied
   * changes); absent in tests of rooms alone.
   */
  watch?: ((room: Room) => RoomWatcher) | undefined;
  /**
   * What a connection may change beyond its mode (review: comments): every update is asked
   * before it is stored; a reason closes the sender with 1008. Absent: a `comment` connection
   * may change nothing.
   */
  policy?: UpdatePolicy | undefined;
  /** How long a `comment` connection's update waits for changes it builds on (REDIS_TIMEOUT_MS). */
  reviewWaitMs?: number | undefined;
}

/**
 * One open document as the message path sees it: peers join and leave, their messages are
 * dispatched (updates to the write pipeline, awareness to the presence, which other instances
 * reach directly), and what is applied is fanned out, the same encoded bytes to every other peer.
 *
 * Durability: an update from a peer is written (group commit) before it is applied to the
 * document and fanned out (WritePipeline), so the document in memory never holds anything a
 * crash could lose. What is read of the document, and answered to a sync step 1, is RoomDocument's.
 */
export class Room {
  private readonly document: RoomDocument;
  /** The stored snapshot did not decode: the room serves nobody. */
  private broken = false;
  private readonly conns = new Set<Connection>();
  /** The awareness states of this room's peers (and of other instances' peers). */
  readonly presence: Presence;
  /** Its ticks to the local peers, newest state wins for a peer that is behind. */
  private readonly presenceOut: PresenceDelivery;
  private readonly log: StoredLog;
  private readonly writes: WritePipeline;
  private destroyed = false;
  private readonly appliedListeners: AppliedListener[] = [];
  /** What follows this room (version history): told of its end by the registry. */
  readonly watcher: RoomWatcher | undefined;
  /** When a change was last applied (ms since the epoch; 0: none since loading). */
  lastChangeAt = 0;

  private constructor(
    readonly name: string,
    private readonly deps: RoomDeps,
    stored: StoredDocument,
  ) {
    this.document = new RoomDocument(name, this.handleSnapshotApplied, () => deps.metrics.firstSyncEncodings.inc());
    this.log = new StoredLog(name, deps.store, deps.logger, stored, deps.mergeUpdates);
    this.presence = new Presence(
      name,
      deps.logger,
      {
        maxStateBytes: deps.maxAwarenessBytes,
        maxRoomBytes: deps.maxPresenceBytes ?? Number.POSITIVE_INFINITY,
        maxIdsPerConnection: deps.maxAwarenessIds ?? Number.POSITIVE_INFINITY,
        staleAfterMs: deps.presenceStaleMs,
      },
      { deliver: (frame, tick) => this.presenceOut.deliver(frame, tick), publish: (message) => deps.cluster?.publishAwareness(name, message) },
    );
    this.presenceOut = new PresenceDelivery(this.conns, deps.wire, deps.metrics, (tick) => this.presence.changedSince(tick));
    const room = this;
    this.writes = new WritePipeline(
      {
        name,
        doc: () => this.doc,
        get open() {
          return !room.destroyed && !room.broken;
        },
        handleApplied: (updates, origins) => this.handleApplied(updates, origins),
      },
      this.log,
      deps,
    );
    this.watcher = deps.watch?.(this);
  }

  /** Reads the whole stored document; the room answers nobody before this resolves. */
  static async load(name: string, deps: RoomDeps): Promise<Room> {
    const started = performance.now();
    const stored = await deps.store.load(name);
    const room = new Room(name, deps, stored);
    try {
      room.document.load(stored.updates);
    } catch (err) {
      room.destroy();
      await heal(name, deps.store, deps.logger, stored, err);
      return Room.load(name, deps);
    }
    // Serve the joiners first: merging a long history is not on their path.
    if (stored.updates.length > 1) setImmediate(() => room.writes.maybeCompact());
    if (deps.cluster) {
      // What other instances wrote that this one's store lacks: stored and applied before anyone is answered.
      try {
        room.receiveRemote(await deps.cluster.open(name, () => room.doc));
        await room.idle();
      } catch (err) {
        room.destroy();
        throw err;
      }
    }
    deps.metrics.documentLoads.inc();
    deps.logger.debug({ doc: name, updates: stored.updates.length, ms: Math.round(performance.now() - started) }, 'document loaded');
    return room;
  }

  /** The document, with the stored snapshot applied first if it was still waiting. */
  get doc(): Y.Doc {
    return this.document.doc;
  }

  /**
   * The whole document as one update: exports, imports and restores start from it. Shared with
   * fresh joiners' encoding while nothing changes, so ten exports at once encode it once.
   */
  wholeState(): Uint8Array {
    return this.document.whole();
  }

  /** Peers connected to this instance. */
  get peers(): number {
    return this.conns.size;
  }

  /** Closes every connection (the document was deleted: 4404). */
  closeAll(code: CloseCode, reason: string): void {
    for (const conn of [...this.conns]) conn.close(code, reason);
  }

  /**
   * Applies a change the server made (restore, import) like a peer's: stored, then applied
   * and sent to every peer (and to other instances). Resolves once the peers have been sent it.
   */
  applyChange(update: Uint8Array): Promise<void> {
    return this.writes.applyChange(update);
  }

  /** Updates another instance put in the shared log: applied and sent at once, stored behind. */
  receiveRemote(updates: readonly Uint8Array[]): void {
    this.writes.receiveRemote(updates);
  }

  get storedUpdates(): number {
    return this.log.count;
  }

  /** The stored document's size (its snapshot plus the updates appended since). */
  get storedBytes(): number {
    return this.log.bytes;
  }

  /**
   * The waiting stored snapshot was decoded: send the state vector to the peers that joined
   * meanwhile (their greeting waited for it). If it did not decode, nobody can be served.
   */
  private readonly handleSnapshotApplied = (err?: unknown): void => {
    if (this.destroyed) return;
    if (err !== undefined) {
      this.broken = true;
      this.deps.logger.error({ doc: this.name, err: corrupt(this.name, err) }, 'stored document does not decode; closing its connections');
      for (const conn of [...this.conns]) conn.close(CloseCode.InternalError, 'stored document does not decode');
      return;
    }
    if (this.conns.size > 0) this.broadcast(encodeSyncStep1(this.document.stateVector()), undefined);
  };

  /** Greets a new peer: our state vector (to pull in its offline edits) and who is here. */
  join(conn: Connection): void {
    if (this.broken) {
      conn.close(CloseCode.InternalError, 'stored document does not decode');
      return;
    }
    this.conns.add(conn);
    // With the stored snapshot still waiting, the state vector follows once it is applied.
    if (!this.document.waiting) conn.send(encodeSyncStep1(this.document.stateVector()));
    this.presence.greet(conn);
  }

  leave(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    this.presenceOut.forget(conn);
    this.presence.leave(conn);
  }

  /** Subscribes to the changes applied to this room (version history follows it so). */
  onApplied(listener: AppliedListener): void {
    this.appliedListeners.push(listener);
  }

  handleMessage(conn: Connection, msg: Message, now: number): void {
    switch (msg.kind) {
      case 'syncStep1':
        this.document.answer(conn, msg.stateVector);
        return;
      case 'syncStep2':
      case 'update':
        this.writes.accept(conn, msg.update);
        return;
      case 'awareness':
        this.presence.handleAwareness(conn, msg.update, now);
        return;
      case 'queryAwareness':
        this.presence.handleQuery(conn);
        return;
      default:
        assertNever(msg);
    }
  }

  /**
   * Updates are applied: each peer gets every update but its own, in one socket write (runs of
   * one sender are encoded together, and frames wait for the end of the turn: WsSocket) that
   * carries the presence waiting for its tick too, and the subscribers hear of it.
   */
  private handleApplied(updates: readonly Uint8Array[], origins: readonly UpdateOrigin[]): void {
    this.fanOut(updates, origins);
    if (this.conns.size > 1) this.presence.rideAlong(); // not to a writer alone: it has no write to share
    this.lastChangeAt = Date.now();
    for (const listener of this.appliedListeners) listener(origins, updates);
  }

  /**
   * Peers get the bytes the senders wrote, not a re-encoding (the document has no 'update'
   * listener, so Yjs does not encode every transaction again). A run of updates from one
   * sender is encoded once for all the others.
   */
  private fanOut(updates: readonly Uint8Array[], origins: readonly UpdateOrigin[]): void {
    let from = 0;
    while (from < updates.length) {
      const sender = senderOf(origins[from]!);
      let to = from + 1;
      while (to < updates.length && senderOf(origins[to]!) === sender) to++;
      this.broadcastEncoded(this.deps.wire.updates(updates, from, to), sender);
      from = to;
    }
  }

  /** Sends the same message to every peer but `except`: encoded once, written to each socket. */
  private broadcast(message: Uint8Array, except: Connection | undefined): void {
    this.broadcastEncoded(this.deps.wire.message(message), except);
  }

  private broadcastEncoded(out: Outgoing, except: Connection | undefined): void {
    if (this.conns.size === 0 || (this.conns.size === 1 && except !== undefined && this.conns.has(except))) return;
    let sent = 0;
    for (const conn of this.conns) {
      if (conn !== except && conn.sendEncoded(out)) sent++;
    }
    if (sent > 0) this.deps.metrics.sent(sent * out.count, sent * out.bytes);
  }

  /**
   * Merges a document of several stored updates into one as it closes, so that its next load
   * is served straight from the snapshot. Wait for `idle()` after it.
   */
  compactBeforeClose(): void {
    this.writes.maybeCompact(1);
  }

  /** Resolves when every write this room started has finished. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.presence.stop();
    this.watcher?.stop();
    this.document.destroy();
  }
}
