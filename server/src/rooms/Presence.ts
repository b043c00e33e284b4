import { CloseCode } from '../closeCodes.js';
import { ProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { encodeAwareness, type AwarenessEntry } from '../protocol/messages.js';
import type { Connection } from './Connection.js';
import type { PresenceOwner } from './ports.js';
import { stampUser } from './stampUser.js';

interface PresenceRecord {
  clock: number;
  /** JSON of the state as relayed; 'null' once removed. */
  json: string;
  owner: PresenceOwner | undefined;
  /** When the state was last removed with nobody owning the ID (ms), if it was. */
  freedAt?: number;
}

type Outgoing = { clientId: number; clock: number; json: string };

/** Clocks past this are refused: they would freeze a client ID for every peer. */
const MAX_CLOCK = 2 ** 40;

/**
 * A removed state nobody owns is forgotten this long after its removal, so that a document that
 * is never empty does not keep a record for every client that ever joined it. The clock is
 * what is lost: a tab that comes back later with the same client ID and an old clock is shown
 * to the peers that saw its removal once its clock has passed theirs (y-websocket renews a
 * state every 15 s), not at once.
 */
export const FORGET_REMOVED_AFTER_MS = 10 * 60_000;

/**
 * The awareness states of one room, with ownership: a connection may set or remove only the
 * client IDs it introduced, or IDs whose owner has closed or stopped answering pings.
 *
 * Clocks sent to peers only ever grow per client ID, so that peers accept a state a client
 * re-announces after reconnecting (its own clock may be behind the removal peers have seen).
 */
export class Presence {
  private readonly records = new Map<number, PresenceRecord>();
  /** IDs in the order their states were freed (some since taken again): what to forget first. */
  private readonly freed: number[] = [];
  private freedHead = 0;
  /** The encoded snapshot while no state has changed (undefined: to be made). */
  private whole: Uint8Array | null | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly staleAfterMs: number,
    private readonly clock: () => number = Date.now,
    /** Client IDs one connection may introduce (MAX_AWARENESS_IDS); the next one closes it (1008). */
    private readonly maxIdsPerConnection = Number.POSITIVE_INFINITY,
  ) {}

  /** Client IDs with a record, live or removed (what this room holds in memory). */
  get size(): number {
    return this.records.size;
  }

  /**
   * Applies what `conn` sent; returns the awareness message to relay, or null if nothing was accepted.
   *
   * y-websocket clients send back every state they hear, so most entries for other clients'
   * IDs are echoes (a clock no newer than ours): those are ignored quietly. An entry that would
   * change another live connection's state is dropped and logged.
   */
  apply(conn: Connection, entries: AwarenessEntry[], now: number): Uint8Array | null {
    const out: Outgoing[] = [];
    for (const entry of entries) {
      const { clientId } = entry;
      if (entry.clock > MAX_CLOCK) {
        this.logger.warn({ conn: conn.id, clientId, clock: entry.clock }, 'awareness clock out of range: dropped');
        continue;
      }
      const rec = this.records.get(clientId);
      const owner = rec?.owner;
      if (rec && owner === conn) {
        const newer = entry.clock > rec.clock || (entry.clock === rec.clock && entry.state === null && rec.json !== 'null');
        if (newer) out.push(this.set(rec, clientId, entry.clock, this.jsonOf(conn, entry)));
        continue;
      }
      if (owner && !owner.closed && !owner.missedPong(now, this.staleAfterMs)) {
        // Owned by another live connection, here or on another instance.
        if (entry.clock > rec!.clock) {
          this.logger.warn({ conn: conn.id, clientId, owner: owner.id }, 'awareness update for a client ID owned by another connection: dropped');
        }
        continue;
      }
      // Nobody live owns this ID (new, its owner closed, or its owner stopped answering pings).
      if (entry.state === null) {
        // A removal: of a silent owner's state it is welcome; otherwise an echo or a no-op.
        if (rec && owner && rec.json !== 'null' && entry.clock > rec.clock) out.push(this.set(rec, clientId, entry.clock, 'null'));
        continue;
      }
      if (rec && owner && entry.clock <= rec.clock) continue; // a silent owner's state, echoed by a peer
      // A removed state that a peer, which has its own ID, echoes back as it heard it before the
      // removal (y-websocket re-sends every change): not a client coming back (that one starts a
      // fresh connection owning nothing), so it must not bring the state back as a ghost.
      if (rec && !owner && entry.clock <= rec.clock && conn.owned.size > 0 && !conn.owned.has(clientId)) continue;
      if (!conn.owned.has(clientId) && conn.owned.size >= this.maxIdsPerConnection) {
        // Each ID holds up to MAX_AWARENESS_BYTES in every room and in every joiner's snapshot:
        // one connection introducing thousands is a memory attack, not a browser tab.
        throw new ProtocolError(`more than ${this.maxIdsPerConnection} awareness client IDs (MAX_AWARENESS_IDS)`, CloseCode.PolicyViolation);
      }
      owner?.owned.delete(clientId);
      conn.owned.add(clientId);
      const json = this.jsonOf(conn, entry);
      if (rec) {
        rec.owner = conn;
        rec.freedAt = undefined;
        // Peers may hold a newer clock (the removal) than the client remembers: outbid it.
        out.push(this.set(rec, clientId, Math.max(entry.clock, rec.clock + 1), json));
      } else {
        this.records.set(clientId, { clock: entry.clock, json, owner: conn });
        this.whole = undefined;
        out.push({ clientId, clock: entry.clock, json });
      }
    }
    return out.length > 0 ? encodeAwareness(out) : null;
  }

  private set(rec: PresenceRecord, clientId: number, clock: number, json: string): Outgoing {
    rec.clock = clock;
    rec.json = json;
    this.whole = undefined;
    return { clientId, clock, json };
  }

  /**
   * Applies states another instance relayed for `owner` (that instance): newer clocks win; a
   * removal frees the ID (its connection there closed), so a client that moves here regains it.
   * IDs owned by a live local connection are not another instance's to change. Returns the
   * message for the local peers, or null.
   */
  applyRemote(owner: PresenceOwner, entries: AwarenessEntry[]): Uint8Array | null {
    const out: Outgoing[] = [];
    for (const { clientId, clock, state, json } of entries) {
      if (clock > MAX_CLOCK) continue;
      const rec = this.records.get(clientId);
      if (rec?.owner && rec.owner !== owner && !rec.owner.closed && !rec.owner.remote) continue;
      if (rec && (clock < rec.clock || (clock === rec.clock && (state !== null || rec.json === 'null')))) continue;
      const next = state === null ? undefined : owner;
      if (rec?.owner && rec.owner !== next) rec.owner.owned.delete(clientId);
      if (next) next.owned.add(clientId);
      const text = state === null ? 'null' : json;
      if (rec) {
        rec.owner = next;
        out.push(this.set(rec, clientId, clock, text));
        if (next) rec.freedAt = undefined;
        else this.free(clientId, rec);
      } else {
        const added: PresenceRecord = { clock, json: text, owner: next };
        this.records.set(clientId, added);
        this.whole = undefined;
        out.push({ clientId, clock, json: text });
        if (!next) this.free(clientId, added);
      }
    }
    return out.length > 0 ? encodeAwareness(out) : null;
  }

  /** Every current state set by a local connection, as one message (for other instances; possibly of none). */
  localSnapshot(): Uint8Array {
    const out: Outgoing[] = [];
    for (const [clientId, rec] of this.records) {
      if (rec.json !== 'null' && rec.owner && !rec.owner.remote) out.push({ clientId, clock: rec.clock, json: rec.json });
    }
    return encodeAwareness(out);
  }

  /** Removes every state `conn` owned; returns the removal message for the others, or null. */
  removeOwnedBy(conn: PresenceOwner, keep?: ReadonlySet<number>): Uint8Array | null {
    const out: Outgoing[] = [];
    for (const clientId of conn.owned.list()) {
      if (keep?.has(clientId)) continue;
      conn.owned.delete(clientId);
      const rec = this.records.get(clientId);
      if (!rec || rec.owner !== conn) continue;
      rec.owner = undefined;
      this.free(clientId, rec);
      if (rec.json === 'null') continue;
      rec.clock += 1;
      rec.json = 'null';
      this.whole = undefined;
      out.push({ clientId, clock: rec.clock, json: 'null' });
    }
    return out.length > 0 ? encodeAwareness(out) : null;
  }

  /**
   * `rec` has no owner now (its state removed, or about to be): remember when, and forget the
   * records freed FORGET_REMOVED_AFTER_MS ago that nobody has taken since. Amortised O(1).
   */
  private free(clientId: number, rec: PresenceRecord): void {
    const now = this.clock();
    rec.freedAt = now;
    this.freed.push(clientId);
    while (this.freedHead < this.freed.length) {
      const id = this.freed[this.freedHead]!;
      const old = this.records.get(id);
      if (old?.freedAt !== undefined && now - old.freedAt < FORGET_REMOVED_AFTER_MS) break;
      this.freedHead++;
      // Forgotten only if still ownerless and removed, and freed that long ago (a later free of
      // the same ID sits further back in the queue and is seen then).
      if (old && !old.owner && old.json === 'null' && old.freedAt !== undefined) this.records.delete(id);
    }
    if (this.freedHead > 1024 && this.freedHead * 2 > this.freed.length) {
      this.freed.splice(0, this.freedHead);
      this.freedHead = 0;
    }
  }

  /** The `user.name` a connection's awareness state declares (self-declared, unverified), if any. */
  declaredName(conn: PresenceOwner): string | undefined {
    for (const clientId of conn.owned.list()) {
      const rec = this.records.get(clientId);
      if (!rec || rec.json === 'null') continue;
      try {
        const name = (JSON.parse(rec.json) as { user?: { name?: unknown } }).user?.name;
        if (typeof name === 'string' && name.trim() !== '') return name.trim().slice(0, 200);
      } catch {
        // a state that is not JSON was refused on the way in; nothing to name
      }
    }
    return undefined;
  }

  /**
   * Every current state as one message, or null when there is none. Kept until a state changes:
   * every joiner (and every query) gets the same bytes, not a copy each (a room's presence can be
   * large, and joiners that never read would each pin one).
   */
  snapshot(): Uint8Array | null {
    if (this.whole !== undefined) return this.whole;
    const out: Outgoing[] = [];
    for (const [clientId, rec] of this.records) {
      if (rec.json !== 'null') out.push({ clientId, clock: rec.clock, json: rec.json });
    }
    this.whole = out.length > 0 ? encodeAwareness(out) : null;
    return this.whole;
  }

  /** The JSON to relay: the server stamps `user` (a token's name, `verified`, a checked colour). */
  private jsonOf(conn: Connection, entry: AwarenessEntry): string {
    if (entry.state === null) return 'null';
    return stampUser(entry.state, conn.access.userName);
  }

}
