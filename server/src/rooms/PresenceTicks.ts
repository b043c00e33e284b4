import { encodeAwareness } from '../protocol/messages.js';
import type { PresenceEntry, PresenceRecords } from './PresenceRecords.js';

/**
 * Presence goes out in ticks: the first change after a quiet spell is sent at the end of the
 * event loop's turn (setImmediate: no added latency), and the changes that follow within this
 * long wait for the tick's end and go out together, one frame per peer holding every changed
 * state, or sooner with a document update going out (`ride`). So a peer gets at most
 * 1000 / PRESENCE_TICK_MS socket writes of presence alone a second (and, with rides, at most
 * twice as many frames) however many people move their carets: with N people each moving,
 * relaying each change costs N² socket writes a second, ticks cost N per tick. 50 ms is below what an eye notices of a caret (and y-websocket
 * renews states every 15 s, so nothing times out). While people type, a tick waits longer for a
 * ride (RIDE_WAIT_TICKS).
 */
export const PRESENCE_TICK_MS = 50;

/** A frame rides on a document update only once this share of a tick has passed since the last frame. */
export const RIDE_AFTER_TICKS = 0.5;

/**
 * While the document is busy (an update went to every peer within as long), what waits
 * goes out alone only this many ticks after the last frame, not one: the next update will most
 * likely come first and carry it. With ten people typing, a tick's frame of its own cost every
 * peer a socket write ~15 times a second on top of the keystrokes' 50 (bench P, N = 100), and
 * those writes are most of what presence costs the server; carets then arrive with the next
 * keystroke, at most 100 ms after the last frame.
 */
export const RIDE_WAIT_TICKS = 2;

/** Where accepted presence changes go, one frame a tick. */
export interface PresenceOutput {
  /**
   * To every local peer, the sender included: the frame of tick `tick` (null when nothing
   * changed: a chance for peers that fell behind to catch up). Returns whether a peer is still
   * behind (then it is asked again next tick).
   */
  deliver(frame: Uint8Array | null, tick: number): boolean;
  /** To other instances (scale-out); a no-op without them. */
  publish(message: Uint8Array): void;
}

/**
 * When presence goes out: collects the client IDs changed during a tick and, at its end, sends
 * one frame with the newest state of each, encoded once for every local peer, and one message
 * with those a local peer changed to other instances (one publish per room per tick).
 */
export class PresenceTicks {
  /** Client IDs changed this tick, for the local peers… */
  private readonly ids = new Set<number>();
  /** …and those of them a local peer changed, for other instances. */
  private readonly idsHere = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** When the last frame went out (performance.now()). */
  private sentAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  /** A ride sent `ids` since the last frame, and `idsHere` (waiting to be published) is no longer a subset of them. */
  private rode = false;
  /** When a document update last went to every local peer (performance.now()): a chance to ride. */
  private updateAt = Number.NEGATIVE_INFINITY;
  /** The timer (or immediate) is the local frame's; after a ride it is only the publish's. */
  private frameDue = false;
  /** Some peer skipped frames and waits to catch up (asked again each tick). */
  private catchingUp = false;

  constructor(
    private readonly records: PresenceRecords,
    private readonly out: PresenceOutput,
  ) {}

  /** `clientId` changed: it goes out with this tick's frame (to other instances too when `here`). */
  changed(clientId: number, here: boolean): void {
    this.ids.add(clientId);
    if (here) this.idsHere.add(clientId);
    this.schedule(false);
  }

  /** What waits goes out at the end of this turn of the event loop, not at the tick's end (a peer left: tell the others at once). */
  now(): void {
    this.schedule(true);
  }

  /**
   * A document update is going out to every local peer now, its frames waiting for the end of
   * the turn (WsSocket): what waits for the tick's end goes in the same write instead (a
   * presence frame costs a peer a socket write of its own, and socket writes are the largest
   * cost of fan-out). In a room where people type, nearly every frame rides on a keystroke (any
   * from half a tick after the last frame), and carets arrive with it instead of at the tick's end. Other instances still hear
   * when the frame would have gone out: at most one publish per room per tick.
   */
  ride(): void {
    const now = performance.now();
    this.updateAt = now;
    if (this.ids.size === 0 || this.stopped) return;
    // Not sooner than half a tick after the last frame: each frame costs every peer's client a
    // message to handle (and a y-websocket 1.x client an echo), so riding on every keystroke
    // would trade the writes saved for more frames.
    if (now < this.sentAt + PRESENCE_TICK_MS * RIDE_AFTER_TICKS) return;
    this.sentAt = now;
    const tick = this.records.tick();
    const frame = this.encode(this.ids);
    this.ids.clear();
    this.rode = this.idsHere.size > 0;
    this.frameDue = false;
    if (!this.rode) {
      clearTimeout(this.timer);
      clearImmediate(this.immediate);
      this.timer = undefined;
      this.immediate = undefined;
    }
    this.catchingUp = this.out.deliver(frame, tick);
    if (this.catchingUp) this.schedule(false);
  }

  /**
   * Sends the tick's frame when it is due: now (at the end of this turn) if `urgent` or the last
   * frame is a tick old (RIDE_WAIT_TICKS old while updates go out, which it will likely ride).
   */
  private schedule(urgent: boolean): void {
    if (this.stopped) return;
    if (this.immediate) {
      this.frameDue = true;
      return;
    }
    const now = performance.now();
    const wait = urgent ? 0 : this.sentAt + PRESENCE_TICK_MS * this.waitTicks(now) - now;
    if (wait > 0) {
      if (this.timer) return; // due sooner (a publish after a ride: the frame is rescheduled then)
      this.frameDue = true;
      this.timer = setTimeout(this.flush, wait);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.frameDue = true;
    this.immediate = setImmediate(this.flush);
  }

  /**
   * The tick ends: one frame with the newest state of every ID changed, encoded once, and what
   * the local peers changed to other instances. After a ride, the publish may be due before the
   * next local frame (the ride took what waited): then only it goes, and the frame waits on.
   */
  private readonly flush = (): void => {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const local = this.frameDue;
    this.frameDue = false;
    let frame: Uint8Array | null = null;
    let tick = 0;
    if (local) {
      this.sentAt = performance.now();
      tick = this.records.tick();
      frame = this.ids.size > 0 ? this.encode(this.ids) : null;
    }
    // The IDs a local peer changed are a subset of all, unless a ride took those: then the
    // same size means the same frame.
    const same = local && !this.rode && this.idsHere.size === this.ids.size;
    const here = this.idsHere.size === 0 ? null : same ? frame : this.encode(this.idsHere);
    this.rode = false;
    this.idsHere.clear();
    if (local) {
      this.ids.clear();
      this.catchingUp = this.out.deliver(frame, tick);
    }
    if (here) this.out.publish(here);
    if (this.catchingUp || this.ids.size > 0) this.schedule(false);
  };

  /**
   * How many ticks after the last frame what waits goes out alone: more while updates go out to
   * ride on (one went within as long: ten typists at 5 Hz leave gaps longer than a tick ~4 times
   * a second, and within two ticks one comes nearly always).
   */
  private waitTicks(now: number): number {
    return now - this.updateAt < PRESENCE_TICK_MS * RIDE_WAIT_TICKS ? RIDE_WAIT_TICKS : 1;
  }

  private encode(ids: ReadonlySet<number>): Uint8Array {
    const out: PresenceEntry[] = [];
    for (const clientId of ids) {
      const rec = this.records.get(clientId);
      if (rec) out.push({ clientId, clock: rec.clock, json: rec.json });
    }
    return encodeAwareness(out);
  }

  /** The room closes: what is waiting goes out now (other instances must hear of removals), and no tick follows. */
  stop(): void {
    if (this.stopped) return;
    if (this.ids.size > 0 || this.idsHere.size > 0) {
      this.frameDue = true;
      this.flush();
    }
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.stopped = true;
  }
}
