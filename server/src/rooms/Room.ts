import * as Y from 'yjs';
import { CloseCode } from '../closeCodes.js';
import { assertNever, StorageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { framedMessage, type Framed } from '../protocol/frame.js';
import { encodeSyncStep1, encodeSyncStep2, frameUpdateMessages, isEmptyUpdate, type Message } from '../protocol/messages.js';
import type { DocStore } from '../storage/DocStore.js';
import type { Connection } from './Connection.js';
import { Presence } from './Presence.js';

export interface RoomDeps {
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  compactAfterUpdates: number;
  /** A ping unanswered this long lets another connection take over an awareness ID. */
  presenceStaleMs: number;
}

/** The updates of one room that went into one group-committed store batch. */
interface PendingBatch {
  /** The store's promise for the batch (appends of one batch share it). */
  written: Promise<void>;
  updates: Uint8Array[];
  /** Sender of each update. */
  senders: Connection[];
  lastSeq: number;
  queuedAt: number;
}

/**
 * A compacted document's stored snapshot is applied this long after the load at the latest;
 * normally right after the first fresh joiner has been answered from its bytes.
 */
const APPLY_STORED_AFTER_MS = 50;
/** How long fresh joiners share one encoding of the whole document. */
const FULL_STATE_KEPT_MS = 200;

/**
 * One open document: the Y.Doc, its peers and their presence.
 *
 * Durability: an update from a peer is written (group commit) before it is applied to the
 * document and fanned out, so the document in memory never holds anything a crash could lose.
 * A cold compacted document answers fresh joiners from its stored snapshot and decodes it
 * into the Y.Doc right after (`applyStored`); everything that reads `doc` decodes it first.
 */
export class Room {
  private readonly ydoc = new Y.Doc({ gc: true });
  /** The stored snapshot of a compacted document, not yet decoded into `ydoc`. */
  private unapplied: Uint8Array | undefined;
  private applyTimer: NodeJS.Timeout | undefined;
  /** The stored snapshot did not decode: the room serves nobody. */
  private broken = false;
  readonly conns = new Set<Connection>();
  /** Joins under way (upgrade not finished): the room must not unload under them. */
  pins = 0;
  unloadTimer: NodeJS.Timeout | undefined;
  private readonly presence: Presence;
  private firstSeq: number;
  private nextSeq: number;
  /** Highest sequence number whose update is in `doc`. */
  private appliedSeq: number;
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  private compacting = false;
  private destroyed = false;
  /** The whole document as one update, for joiners that have nothing yet; dropped on change. */
  private fullState: Uint8Array | undefined;
  /** Updates appended to the store batch being filled, applied and fanned out together. */
  private pending: PendingBatch | undefined;

  private constructor(
    readonly name: string,
    private readonly deps: RoomDeps,
    firstSeq: number,
    nextSeq: number,
  ) {
    this.firstSeq = firstSeq;
    this.nextSeq = nextSeq;
    this.appliedSeq = nextSeq - 1;
    this.presence = new Presence(deps.logger, deps.presenceStaleMs);
  }

  /** Reads the whole stored document; the room answers nobody before this resolves. */
  static async load(name: string, deps: RoomDeps): Promise<Room> {
    const started = performance.now();
    const stored = await deps.store.load(name);
    const room = new Room(name, deps, stored.firstSeq, stored.nextSeq);
    if (stored.updates.length === 1) {
      // A compacted document. Its stored bytes are the whole document, so fresh joiners get
      // them as they are; decoding them into the Y.Doc (tens of ms for a large document in a
      // fresh process) waits until the first of them has been answered.
      room.unapplied = stored.updates[0]!;
      room.keepFullState(room.unapplied);
      room.applyTimer = setTimeout(room.applyStored, APPLY_STORED_AFTER_MS);
    } else {
      try {
        room.ydoc.transact(() => {
          for (const update of stored.updates) Y.applyUpdate(room.ydoc, update);
        });
      } catch (err) {
        room.destroy();
        throw corrupt(name, err);
      }
      // Serve the joiners first: merging a long history is not on their path.
      setImmediate(() => room.maybeCompact());
    }
    deps.metrics.documentLoads.inc();
    deps.logger.debug({ doc: name, updates: stored.updates.length, ms: Math.round(performance.now() - started) }, 'document loaded');
    return room;
  }

  /** The document, with the stored snapshot applied first if it was still waiting. */
  get doc(): Y.Doc {
    if (this.unapplied) this.applyStored();
    return this.ydoc;
  }

  /**
   * Decodes the waiting stored snapshot into the Y.Doc, then sends the state vector to the
   * peers that joined meanwhile (their greeting waited for it).
   */
  private readonly applyStored = (): void => {
    const snapshot = this.unapplied;
    if (!snapshot || this.destroyed) return;
    this.unapplied = undefined;
    clearTimeout(this.applyTimer);
    try {
      Y.applyUpdate(this.ydoc, snapshot);
    } catch (err) {
      this.broken = true;
      this.fullState = undefined;
      this.deps.logger.error({ doc: this.name, err: corrupt(this.name, err) }, 'stored document does not decode; closing its connections');
      for (const conn of [...this.conns]) conn.close(CloseCode.InternalError, 'stored document does not decode');
      return;
    }
    if (this.conns.size > 0) this.broadcast(encodeSyncStep1(Y.encodeStateVector(this.ydoc)), undefined);
  };

  get storedUpdates(): number {
    return this.nextSeq - this.firstSeq;
  }

  /** Greets a new peer: our state vector (to pull in its offline edits) and who is here. */
  join(conn: Connection): void {
    if (this.broken) {
      conn.close(CloseCode.InternalError, 'stored document does not decode');
      return;
    }
    this.conns.add(conn);
    // With the stored snapshot still waiting, the state vector follows once it is applied.
    if (!this.unapplied) conn.send(encodeSyncStep1(Y.encodeStateVector(this.ydoc)));
    const states = this.presence.snapshot();
    if (states) conn.send(states);
  }

  leave(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    const removal = this.presence.removeOwnedBy(conn);
    if (removal) this.broadcast(removal, undefined);
  }

  handleMessage(conn: Connection, msg: Message, now: number): void {
    switch (msg.kind) {
      case 'syncStep1':
        conn.send(encodeSyncStep2(this.stateFor(msg.stateVector)));
        return;
      case 'syncStep2':
      case 'update':
        this.handleUpdate(conn, msg.update);
        return;
      case 'awareness': {
        const relay = this.presence.apply(conn, msg.entries, now);
        // The sender hears its own state too: a lone y-websocket client otherwise receives
        // nothing for 30 s and reconnects.
        if (relay) this.broadcast(relay, undefined);
        return;
      }
      case 'queryAwareness': {
        const states = this.presence.snapshot();
        if (states) conn.send(states);
        return;
      }
      default:
        assertNever(msg);
    }
  }

  private handleUpdate(conn: Connection, update: Uint8Array): void {
    if (conn.access.mode !== 'write') {
      if (!conn.loggedReadOnlyDrop) {
        conn.loggedReadOnlyDrop = true;
        this.deps.logger.warn({ doc: this.name, conn: conn.id }, 'document update from a read-only connection: dropped');
      }
      return;
    }
    if (isEmptyUpdate(update)) return;
    const seq = this.nextSeq++;
    const written = this.deps.store.append(this.name, seq, update);
    let batch = this.pending;
    if (!batch || batch.written !== written) {
      batch = this.pending = { written, updates: [], senders: [], lastSeq: seq, queuedAt: performance.now() };
      this.inflight++;
      const started = batch;
      written.then(
        () => this.applyBatch(started),
        (err: unknown) => this.failBatch(started, err),
      );
    }
    batch.updates.push(update);
    batch.senders.push(conn);
    batch.lastSeq = seq;
  }

  /**
   * A batch is on disk: apply its updates in one transaction (Yjs cleans up once, not per
   * update) and fan them out; each peer gets every update but its own, in one socket write
   * (runs of one sender are framed together, and sockets stay corked until the tick ends).
   */
  private applyBatch(batch: PendingBatch): void {
    if (this.pending === batch) this.pending = undefined;
    this.deps.metrics.persistSeconds.observe((performance.now() - batch.queuedAt) / 1000);
    try {
      if (this.destroyed || this.broken) return;
      const { updates } = batch;
      // No observers on the document, so no transaction origin to tag.
      if (updates.length === 1) Y.applyUpdate(this.doc, updates[0]!);
      else this.doc.transact(() => updates.forEach((u) => Y.applyUpdate(this.doc, u)));
      this.fullState = undefined;
      this.appliedSeq = batch.lastSeq;
      this.fanOut(batch);
      this.maybeCompact();
    } finally {
      this.settle();
    }
  }

  private failBatch(batch: PendingBatch, err: unknown): void {
    if (this.pending === batch) this.pending = undefined;
    const senders = new Set(batch.senders);
    this.deps.logger.error({ doc: this.name, updates: batch.updates.length, conns: [...senders].map((c) => c.id), err }, 'persisting updates failed; they are not applied');
    for (const conn of senders) conn.close(CloseCode.InternalError, 'storage failure');
    this.settle();
  }

  /**
   * Peers get the bytes the senders wrote, not a re-encoding (the document has no 'update'
   * listener, so Yjs does not encode every transaction again). A run of updates from one
   * sender is framed once for all the others.
   */
  private fanOut({ updates, senders }: PendingBatch): void {
    let from = 0;
    while (from < updates.length) {
      const sender = senders[from]!;
      let to = from + 1;
      while (to < updates.length && senders[to] === sender) to++;
      this.broadcastFramed(frameUpdateMessages(updates, from, to), sender);
      from = to;
    }
  }

  /**
   * What a peer with `stateVector` lacks. Fresh peers (empty vector) share one encoding while
   * they come in bursts (a cold document's joiners); it is dropped on change or after FULL_STATE_KEPT_MS.
   */
  private stateFor(stateVector: Uint8Array): Uint8Array {
    const fresh = stateVector.length === 1 && stateVector[0] === 0;
    if (!fresh) return Y.encodeStateAsUpdate(this.doc, stateVector);
    if (this.unapplied) {
      // Answered from the stored bytes; decode them as soon as this answer is written.
      setImmediate(this.applyStored);
    }
    return this.fullState ?? this.keepFullState(Y.encodeStateAsUpdate(this.doc));
  }

  /**
   * Keeps `state` as the answer for fresh joiners for a moment (or until the document changes):
   * long enough for a burst of joiners of a cold document, short enough not to double the
   * memory of a large open document.
   */
  private keepFullState(state: Uint8Array): Uint8Array {
    this.fullState = state;
    setTimeout(this.dropFullState, FULL_STATE_KEPT_MS).unref();
    return state;
  }

  private readonly dropFullState = (): void => {
    this.fullState = undefined;
  };

  /** Sends the same message to every peer but `except`: framed once, written to each socket. */
  broadcast(message: Uint8Array, except: Connection | undefined): void {
    this.broadcastFramed(framedMessage(message), except);
  }

  /** Writes the same framed messages to every peer but `except`. */
  private broadcastFramed({ frames, count, bytes, largest }: Framed, except: Connection | undefined): void {
    if (this.conns.size === 0 || (this.conns.size === 1 && except !== undefined && this.conns.has(except))) return;
    let sent = 0;
    for (const conn of this.conns) {
      if (conn !== except && conn.sendFrame(frames, largest)) sent++;
    }
    if (sent > 0) this.deps.metrics.sent(sent * count, sent * bytes);
  }

  /**
   * Merges a document of several stored updates into one as it closes, so that its next load
   * is served straight from the snapshot. Wait for `idle()` after it.
   */
  compactBeforeClose(): void {
    this.maybeCompact(1);
  }

  /** Past the threshold, merges the stored updates into one snapshot of what `doc` holds. */
  private maybeCompact(threshold = this.deps.compactAfterUpdates): void {
    if (this.compacting || this.destroyed || this.broken || this.appliedSeq - this.firstSeq + 1 <= threshold) return;
    const upto = this.appliedSeq;
    const first = this.firstSeq;
    const merged = Y.encodeStateAsUpdate(this.doc);
    this.compacting = true;
    this.inflight++;
    this.deps.store.compact(this.name, first, upto, merged).then(
      () => {
        this.firstSeq = upto;
        this.compacting = false;
        this.deps.logger.debug({ doc: this.name, merged: upto - first + 1, bytes: merged.length }, 'compacted');
        this.maybeCompact(threshold); // writes that arrived meanwhile may be over the threshold already
        this.settle();
      },
      (err: unknown) => {
        this.compacting = false;
        this.deps.logger.error({ doc: this.name, err }, 'compaction failed; updates kept as they were');
        this.settle();
      },
    );
  }

  private settle(): void {
    if (--this.inflight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when every write this room started has finished. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.unloadTimer);
    clearTimeout(this.applyTimer);
    this.unapplied = undefined;
    this.fullState = undefined;
    this.ydoc.destroy();
  }
}

function corrupt(name: string, cause: unknown): StorageError {
  return new StorageError(`stored document ${JSON.stringify(name)} does not decode`, 'STORE_CORRUPT', { cause });
}
