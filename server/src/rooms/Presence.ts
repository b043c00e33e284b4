import { CloseCode } from '../closeCodes.js';
import { ProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isRemoval, readAwarenessState, type AwarenessEntry, type AwarenessHead, type AwarenessUpdate } from '../protocol/messages.js';
import type { Connection } from './Connection.js';
import type { PresenceOwner } from './ports.js';
import { PresenceRecords } from './PresenceRecords.js';
import { PresenceTicks, type PresenceOutput } from './PresenceTicks.js';
import { stampUser } from './stampUser.js';

export type { PresenceOutput } from './PresenceTicks.js';

/** Clocks past this are refused: they would freeze a client ID for every peer. */
const MAX_CLOCK = 2 ** 40;

export interface PresenceLimits {
  /** A larger awareness state is never kept or relayed; its sender is closed (MAX_AWARENESS_BYTES, 1009). */
  maxStateBytes: number;
  /**
   * The bytes of every state the room keeps (MAX_PRESENCE_BYTES): a local state that would take
   * them past this is not kept or relayed, and its sender is closed (1013).
   */
  maxRoomBytes: number;
  /** Client IDs one connection may introduce (MAX_AWARENESS_IDS); the next one closes it (1008). */
  maxIdsPerConnection: number;
  /** A ping unanswered this long lets another connection take over an awareness ID. */
  staleAfterMs: number;
}

/**
 * The awareness states of one room, with ownership, as its local peers and other instances
 * reach them: a connection may set or remove only the client IDs it introduced, or IDs whose
 * owner has closed or stopped answering pings; another instance owns the IDs its peers set.
 * What is accepted is relayed from here (PresenceTicks); the room only forwards messages and joins.
 *
 * Clocks sent to peers only ever grow per client ID, so that peers accept a state a client
 * re-announces after reconnecting (its own clock may be behind the removal peers have seen).
 *
 * Changes are relayed per tick (PRESENCE_TICK_MS): one frame per peer with the newest state of
 * every client ID changed, and one publish to other instances.
 */
export class Presence {
  private readonly records: PresenceRecords;
  private readonly ticks: PresenceTicks;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly limits: PresenceLimits,
    private readonly out: PresenceOutput,
    clock: () => number = Date.now,
  ) {
    this.records = new PresenceRecords(clock);
    this.ticks = new PresenceTicks(this.records, out);
  }

  /** Client IDs with a record, live or removed (what this room holds in memory). */
  get size(): number {
    return this.records.size;
  }

  /** UTF-8 bytes of the live states (what MAX_PRESENCE_BYTES bounds). */
  get bytes(): number {
    return this.records.bytes;
  }

  /** Greets a joiner with every current state: one message every joiner shares. */
  greet(conn: Connection): void {
    const states = this.records.snapshot();
    if (states) conn.sendShared(states);
  }

  /** Query-awareness is answered with every current state. */
  handleQuery(conn: Connection): void {
    const states = this.records.snapshot();
    if (states) conn.send(states);
  }

  /**
   * A local peer's awareness message: what it may change is kept and relayed, at the tick's end,
   * to every local peer (the sender too: a lone y-websocket client otherwise hears nothing for
   * 30 s and reconnects) and to other instances.
   */
  handleAwareness(conn: Connection, update: AwarenessUpdate, now: number): void {
    const { maxStateBytes } = this.limits;
    if (update.heads.some((h) => h.length > maxStateBytes)) {
      this.logger.warn({ doc: this.name, conn: conn.id, code: CloseCode.MessageTooBig }, 'awareness state over MAX_AWARENESS_BYTES: dropped, closing');
      conn.close(CloseCode.MessageTooBig, 'awareness state too large');
      return;
    }
    const accepted = this.apply(conn, update, now);
    if (accepted === 'full') {
      // A full room is a passing condition (its peers leave), not the sender's fault: it may come back later.
      this.logger.warn({ doc: this.name, conn: conn.id, code: CloseCode.TryAgainLater, bytes: this.records.bytes }, 'presence over MAX_PRESENCE_BYTES: state dropped, closing');
      conn.close(CloseCode.TryAgainLater, 'presence full');
    }
  }

  /** A local peer left: the states it owned are removed, and everyone told at once (not at the tick's end). */
  leave(conn: Connection): void {
    if (this.removeOwnedBy(conn, true)) this.ticks.now();
  }

  /**
   * Every state changed since tick `since` began, newest only, as one message (or null): what a
   * peer that skipped those ticks' frames (its socket was backed up) gets instead of them.
   */
  changedSince(since: number): Uint8Array | null {
    return this.records.changedSince(since);
  }

  /** A document update is going out to every peer now: waiting presence goes in the same write (PresenceTicks.ride). */
  rideAlong(): void {
    this.ticks.ride();
  }

  /** The room closes: what is waiting goes out now (other instances must hear of removals), and no tick follows. */
  stop(): void {
    this.ticks.stop();
  }

  /** Awareness states another instance relayed for its peers. */
  handleRemote(owner: PresenceOwner, entries: AwarenessEntry[]): void {
    this.applyRemote(owner, entries);
  }

  /**
   * Another instance sent every state its peers set here (answering a query): those apply, and
   * states it owned that are not among them are gone (a removal it published may have been lost
   * while Redis was away).
   */
  replaceRemote(owner: PresenceOwner, entries: AwarenessEntry[]): void {
    this.applyRemote(owner, entries);
    if (this.removeOwnedBy(owner, false, new Set(entries.filter((e) => e.state !== null).map((e) => e.clientId)))) this.ticks.now();
  }

  /** Another instance is gone: the states its peers set leave. */
  dropOwner(owner: PresenceOwner): void {
    if (this.removeOwnedBy(owner, false)) this.ticks.now();
  }

  /** The states local peers set, for another instance that opened this document. */
  localSnapshot(): Uint8Array {
    return this.records.localSnapshot();
  }

  /** The `user.name` a connection's awareness state declares (self-declared, unverified), if any. */
  declaredName(conn: PresenceOwner): string | undefined {
    return this.records.declaredName(conn);
  }

  /**
   * Applies what `conn` sent (each accepted change goes out with this tick's frame); returns
   * 'full' when a state would take the room past MAX_PRESENCE_BYTES (that state and the ones
   * after it are not kept).
   *
   * y-websocket 1.x clients send back every state they hear (and 3.x ones do too, unless muted as
   * Tandem's editor does), so most entries for other clients' IDs are echoes (a clock no newer
   * than ours): those are dropped on their client ID and clock alone, before their JSON is read.
   * An entry that would change another live connection's state is dropped and logged. A state is
   * decoded only when it is kept: one that does not decode then closes the sender (1007).
   */
  private apply(conn: Connection, update: AwarenessUpdate, now: number): 'full' | undefined {
    const limit = this.limits.maxRoomBytes;
    for (const head of update.heads) {
      const { clientId, clock } = head;
      if (clock > MAX_CLOCK) {
        this.logger.warn({ conn: conn.id, clientId, clock }, 'awareness clock out of range: dropped');
        continue;
      }
      const removal = isRemoval(update, head);
      const rec = this.records.get(clientId);
      const owner = rec?.owner;
      if (rec && owner === conn) {
        const newer = clock > rec.clock || (clock === rec.clock && removal && rec.json !== 'null');
        if (!newer) continue;
        if (!this.records.set(clientId, rec, clock, this.jsonOf(conn, update, head, removal), undefined, limit)) return 'full';
        this.ticks.changed(clientId, true);
        continue;
      }
      if (owner && !owner.closed && !owner.missedPong(now, this.limits.staleAfterMs)) {
        // Owned by another live connection, here or on another instance.
        if (clock > rec!.clock) {
          this.logger.warn({ conn: conn.id, clientId, owner: owner.id }, 'awareness update for a client ID owned by another connection: dropped');
        }
        continue;
      }
      // Nobody live owns this ID (new, its owner closed, or its owner stopped answering pings).
      if (removal) {
        // A removal: of a silent owner's state it is welcome; otherwise an echo or a no-op.
        if (rec && owner && rec.json !== 'null' && clock > rec.clock) {
          this.records.set(clientId, rec, clock, 'null');
          this.ticks.changed(clientId, true);
        }
        continue;
      }
      if (rec && owner && clock <= rec.clock) continue; // a silent owner's state, echoed by a peer
      // A removed state that a peer, which has its own ID, echoes back as it heard it before the
      // removal (y-websocket re-sends every change): not a client coming back (that one starts a
      // fresh connection owning nothing), so it must not bring the state back as a ghost.
      if (rec && !owner && clock <= rec.clock && conn.owned.size > 0 && !conn.owned.has(clientId)) continue;
      if (!conn.owned.has(clientId) && conn.owned.size >= this.limits.maxIdsPerConnection) {
        // Each ID holds up to MAX_AWARENESS_BYTES in every room and in every joiner's snapshot:
        // one connection introducing thousands is a memory attack, not a browser tab.
        throw new ProtocolError(`more than ${this.limits.maxIdsPerConnection} awareness client IDs (MAX_AWARENESS_IDS)`, CloseCode.PolicyViolation);
      }
      // Peers may hold a newer clock (the removal) than the client remembers: outbid it.
      const json = this.jsonOf(conn, update, head, false);
      if (!this.records.set(clientId, rec, rec ? Math.max(clock, rec.clock + 1) : clock, json, conn, limit)) return 'full';
      owner?.owned.delete(clientId);
      conn.owned.add(clientId);
      if (rec) {
        rec.owner = conn;
        rec.freedAt = undefined;
      }
      this.ticks.changed(clientId, true);
    }
    return undefined;
  }

  /**
   * Applies states another instance relayed for `owner` (that instance): newer clocks win; a
   * removal frees the ID (its connection there closed), so a client that moves here regains it.
   * IDs owned by a live local connection are not another instance's to change. Never refused for
   * size: each instance bounds what its own peers set. What changed goes to the local peers.
   */
  private applyRemote(owner: PresenceOwner, entries: AwarenessEntry[]): void {
    for (const { clientId, clock, state, json } of entries) {
      if (clock > MAX_CLOCK) continue;
      const rec = this.records.get(clientId);
      if (rec?.owner && rec.owner !== owner && !rec.owner.closed && !rec.owner.remote) continue;
      if (rec && (clock < rec.clock || (clock === rec.clock && (state !== null || rec.json === 'null')))) continue;
      const next = state === null ? undefined : owner;
      if (rec?.owner && rec.owner !== next) rec.owner.owned.delete(clientId);
      if (next) next.owned.add(clientId);
      this.records.set(clientId, rec, clock, state === null ? 'null' : json, next);
      const kept = rec ?? this.records.get(clientId)!;
      kept.owner = next;
      if (next) kept.freedAt = undefined;
      else this.records.free(clientId, kept);
      this.ticks.changed(clientId, false);
    }
  }

  /**
   * Removes every state `owner` owned (but those in `keep`); each removal goes out with this
   * tick's frame (to other instances too when `here`). Returns whether any state was removed.
   */
  private removeOwnedBy(owner: PresenceOwner, here: boolean, keep?: ReadonlySet<number>): boolean {
    let removed = false;
    for (const clientId of owner.owned.list()) {
      if (keep?.has(clientId)) continue;
      owner.owned.delete(clientId);
      const rec = this.records.get(clientId);
      if (!rec || rec.owner !== owner) continue;
      rec.owner = undefined;
      this.records.free(clientId, rec);
      if (rec.json === 'null') continue;
      this.records.set(clientId, rec, rec.clock + 1, 'null');
      this.ticks.changed(clientId, here);
      removed = true;
    }
    return removed;
  }

  /**
   * The JSON to relay: the server stamps `user` (a token's name, `verified`, a checked colour).
   * The state is decoded here, and only here: throws DecodeError (1007) when it does not decode.
   */
  private jsonOf(conn: Connection, update: AwarenessUpdate, head: AwarenessHead, removal: boolean): string {
    if (removal) return 'null';
    return stampUser(readAwarenessState(update, head).state!, conn.access.userName, conn.access.mode === 'write');
  }
}
