import type { Metrics } from '../metrics.js';
import type { Connection } from './Connection.js';
import type { Outgoing, Wire } from './ports.js';

/**
 * A peer with more unsent output than this is behind: presence frames skip it until it has
 * taken its backlog (a first sync, a burst of edits), and it then gets the newest states at once.
 * Above the kernel's share of a socket's output, so a peer that reads is never counted.
 */
export const PRESENCE_BEHIND_BYTES = 64 * 1024;

/**
 * Presence to the peers of one room, newest state wins: each tick's frame, encoded once, goes to
 * every peer that keeps up; a peer whose socket is backed up gets no queue of old frames (a
 * caret three seconds old is worth nothing, and each frame would add to the backlog that holds
 * it up), but, once it has drained, one message with the newest state of every client ID changed
 * since the first frame it skipped. Document updates never take this path: they are not dropped.
 */
export class PresenceDelivery {
  /** Peers that skipped frames, with the first tick they lack. */
  private readonly behind = new Map<Connection, number>();

  constructor(
    private readonly conns: ReadonlySet<Connection>,
    private readonly wire: Wire,
    private readonly metrics: Metrics,
    /** Every state changed since a tick, as one message (see `Presence.changedSince`). */
    private readonly changedSince: (tick: number) => Uint8Array | null,
  ) {}

  /**
   * Sends tick `tick`'s frame (null: nothing changed, only catching up); returns whether some
   * peer is still behind.
   */
  deliver(frame: Uint8Array | null, tick: number): boolean {
    let out: Outgoing | undefined;
    let sent = 0;
    let caughtUp: Connection[] | undefined;
    let since = tick;
    const peers = frame ? this.conns : this.behind.keys();
    for (const conn of peers) {
      if (conn.closed) continue;
      const lacks = this.behind.get(conn);
      if (conn.socket.backlog > PRESENCE_BEHIND_BYTES) {
        if (lacks === undefined && frame) this.behind.set(conn, tick);
        continue;
      }
      if (lacks !== undefined) {
        (caughtUp ??= []).push(conn);
        since = Math.min(since, lacks);
        continue;
      }
      if (!frame) continue;
      out ??= this.wire.message(frame);
      if (conn.sendEncoded(out)) sent++;
    }
    if (out && sent > 0) this.metrics.sent(sent, sent * out.bytes);
    // One message for all that caught up this tick: states from the earliest skipped tick on
    // (a peer that skipped fewer gets some it has; clients ignore a clock they already hold).
    if (caughtUp) this.catchUp(caughtUp, since);
    return this.behind.size > 0;
  }

  private catchUp(conns: readonly Connection[], since: number): void {
    for (const conn of conns) this.behind.delete(conn);
    const message = this.changedSince(since);
    if (!message) return;
    const out = this.wire.message(message);
    let sent = 0;
    for (const conn of conns) if (conn.sendEncoded(out)) sent++;
    if (sent > 0) this.metrics.sent(sent, sent * out.bytes);
  }

  /** A peer left. */
  forget(conn: Connection): void {
    this.behind.delete(conn);
  }
}
