import { encodeAwareness } from '../protocol/messages.js';
import type { PresenceOwner } from './ports.js';

export interface PresenceRecord {
  clock: number;
  /** JSON of the state as relayed; 'null' once removed. */
  json: string;
  /** UTF-8 bytes of `json` while the state is live; 0 once removed. */
  bytes: number;
  owner: PresenceOwner | undefined;
  /** When the state was last removed with nobody owning the ID (ms), if it was. */
  freedAt?: number;
  /** The presence tick whose frame carries its last change (see `PresenceRecords.tick`). */
  tick: number;
  /**
   * The `user.name` `json` declares, once asked (`declaredName`; null: none; undefined: not read
   * since `json` changed). Every applied update asks for its author's name twice (versions,
   * authorship), and a cursor's state is parsed again only when it changed.
   */
  name: string | null | undefined;
}

/** One client ID's state as it goes into an awareness message. */
export interface PresenceEntry {
  clientId: number;
  clock: number;
  json: string;
}

/**
 * A removed state nobody owns is forgotten this long after its removal, so that a document that
 * is never empty does not keep a record for every client that ever joined it. The clock is
 * what is lost: a tab that comes back later with the same client ID and an old clock is shown
 * to the peers that saw its removal once its clock has passed theirs (y-websocket renews a
 * state every 15 s), not at once.
 */
export const FORGET_REMOVED_AFTER_MS = 10 * 60_000;

/**
 * What one room keeps of presence, and what that costs: a record per client ID (clock, JSON,
 * owner), the bytes of the live states (which MAX_PRESENCE_BYTES bounds), the encoded snapshot
 * every joiner shares, and the forgetting of removed records nobody owns. Who may change which
 * record is Presence's business, not this one's.
 */
export class PresenceRecords {
  private readonly records = new Map<number, PresenceRecord>();
  /** IDs in the order their states were freed (some since taken again): what to forget first. */
  private readonly freed: number[] = [];
  private freedHead = 0;
  /** The encoded snapshot while no state has changed (undefined: to be made). */
  private whole: Uint8Array | null | undefined;
  /** UTF-8 bytes of every live state's JSON. */
  private liveBytes = 0;
  /** The tick the changes made now belong to: the next frame sent to the peers carries them. */
  private currentTick = 1;

  constructor(private readonly clock: () => number) {}

  /** Client IDs with a record, live or removed (what this room holds in memory). */
  get size(): number {
    return this.records.size;
  }

  /** UTF-8 bytes of the live states' JSON. */
  get bytes(): number {
    return this.liveBytes;
  }

  get(clientId: number): PresenceRecord | undefined {
    return this.records.get(clientId);
  }

  /** Ends the current tick (its frame is being sent); returns its number. */
  tick(): number {
    return this.currentTick++;
  }

  /**
   * Every state changed since tick `since` began (removals too), newest only, as one message, or
   * null when none did: what a peer that skipped the frames of those ticks needs to be current.
   */
  changedSince(since: number): Uint8Array | null {
    const out: PresenceEntry[] = [];
    for (const [clientId, rec] of this.records) {
      if (rec.tick >= since) out.push({ clientId, clock: rec.clock, json: rec.json });
    }
    return out.length > 0 ? encodeAwareness(out) : null;
  }

  /**
   * Gives `clientId` a state (`json`, 'null' to remove it) at `clock`, adding its record if
   * `rec` is undefined; returns the entry to relay, or undefined (nothing changed) when a live
   * state would take the kept bytes past `limit`.
   */
  set(clientId: number, rec: PresenceRecord | undefined, clock: number, json: string, owner?: PresenceOwner, limit = Number.POSITIVE_INFINITY): PresenceEntry | undefined {
    const bytes = json === 'null' ? 0 : Buffer.byteLength(json);
    const grows = bytes - (rec?.bytes ?? 0);
    if (grows > 0 && this.liveBytes + grows > limit) return undefined;
    this.liveBytes += grows;
    this.whole = undefined;
    if (rec) {
      rec.clock = clock;
      rec.json = json;
      rec.bytes = bytes;
      rec.tick = this.currentTick;
      rec.name = undefined;
    } else {
      this.records.set(clientId, { clock, json, bytes, owner, tick: this.currentTick, name: undefined });
    }
    return { clientId, clock, json };
  }

  /**
   * `rec` has no owner now (its state removed, or about to be): remember when, and forget the
   * records freed FORGET_REMOVED_AFTER_MS ago that nobody has taken since. Amortised O(1).
   */
  free(clientId: number, rec: PresenceRecord): void {
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

  /**
   * Every current state as one message, or null when there is none. Kept until a state changes:
   * every joiner (and every query) gets the same bytes, not a copy each (a room's presence can be
   * large, and joiners that never read would each pin one).
   */
  snapshot(): Uint8Array | null {
    if (this.whole !== undefined) return this.whole;
    const out: PresenceEntry[] = [];
    for (const [clientId, rec] of this.records) {
      if (rec.json !== 'null') out.push({ clientId, clock: rec.clock, json: rec.json });
    }
    this.whole = out.length > 0 ? encodeAwareness(out) : null;
    return this.whole;
  }

  /** Every current state set by a local connection, as one message (for other instances; possibly of none). */
  localSnapshot(): Uint8Array {
    const out: PresenceEntry[] = [];
    for (const [clientId, rec] of this.records) {
      if (rec.json !== 'null' && rec.owner && !rec.owner.remote) out.push({ clientId, clock: rec.clock, json: rec.json });
    }
    return encodeAwareness(out);
  }

  /** The `user.name` an owner's awareness state declares (self-declared, unverified), if any. */
  declaredName(owner: PresenceOwner): string | undefined {
    for (const clientId of owner.owned.list()) {
      const rec = this.records.get(clientId);
      if (!rec || rec.json === 'null') continue;
      const name = (rec.name ??= nameIn(rec.json));
      if (name !== null) return name;
    }
    return undefined;
  }
}

/** The `user.name` a state's JSON declares, trimmed and at most 200 characters, or null. */
function nameIn(json: string): string | null {
  try {
    const name = (JSON.parse(json) as { user?: { name?: unknown } }).user?.name;
    if (typeof name === 'string' && name.trim() !== '') return name.trim().slice(0, 200);
  } catch {
    // a state that is not JSON was refused on the way in; nothing to name
  }
  return null;
}
