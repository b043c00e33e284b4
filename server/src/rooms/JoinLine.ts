import type { Connection } from './Connection.js';

/** A first sync at least this large waits its turn; a smaller one goes at once. */
export const LINE_MIN_BYTES = 1 << 20;
/** How many large first syncs are written at the same time. */
const LINE_SLOTS = 2;
/** How often the line looks whether a slot's socket has taken its first sync. */
const LINE_POLL_MS = 5;
/**
 * A joiner that has not taken its first sync after this long (a slow link) stops holding its
 * slot: it goes on receiving, and the next joiner starts beside it. A waiting joiner passed over
 * this long (it does not read what it was sent meanwhile) is served anyway, and the output cap
 * decides, as for any other message.
 */
const LINE_SLOT_MS = 1000;

interface InLine {
  conn: Connection;
  /** When it joined the line, or when its first sync started. */
  since: number;
}

/**
 * Joiners of a large document take their first sync in turn, a couple at a time, in the order
 * they asked: a join storm of 150 on a 20 MB document written to every socket at once drains
 * them all side by side, so that every joiner waits for the whole 3 GB; in turn, the first is
 * synced after its own 20 MB, the median joiner after half. The bytes are the one message every
 * joiner shares, so the line costs no memory, and what is sent to a joiner meanwhile (updates,
 * presence) reaches it before its first sync, which Yjs holds until then.
 *
 * `serve(conn)` answers a joiner when its turn comes. `whenIdle` waits until nothing is waiting
 * or being written any more.
 */
export class JoinLine {
  private readonly waiting: InLine[] = [];
  private readonly sending: InLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly serve: (conn: Connection) => void) {}

  /** Whether joiners are waiting or taking their first sync. */
  get busy(): boolean {
    return this.waiting.length > 0 || this.sending.length > 0;
  }

  /** Puts a joiner in line; it is served at once when a slot is free. */
  join(conn: Connection): void {
    this.waiting.push({ conn, since: Date.now() });
    this.pump();
  }

  /** Calls `fn` once the line is empty (at once when it is). */
  whenIdle(fn: () => void): void {
    if (!this.busy) fn();
    else this.idleWaiters.push(fn);
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    const now = Date.now();
    for (let i = this.sending.length - 1; i >= 0; i--) {
      const { conn, since } = this.sending[i]!;
      if (conn.closed || conn.socket.backlog <= 0 || now - since >= LINE_SLOT_MS) this.sending.splice(i, 1);
    }
    // A joiner with output still queued (frames sent to it while it waited) is passed over for
    // now: its first sync may be larger than the output cap only when it heads an empty queue.
    for (let i = 0; i < this.waiting.length && this.sending.length < LINE_SLOTS; ) {
      const { conn, since } = this.waiting[i]!;
      if (!conn.closed && conn.socket.backlog > 0 && now - since < LINE_SLOT_MS) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      if (conn.closed) continue;
      this.serve(conn);
      if (!conn.closed && conn.socket.backlog > 0) this.sending.push({ conn, since: now });
    }
    if (this.busy) {
      this.timer ??= setTimeout(this.pump, LINE_POLL_MS);
      return;
    }
    const idle = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of idle) fn();
  };

  /** Drops the line (the room is going away); nothing more is sent. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
    this.sending.length = 0;
    this.idleWaiters = [];
  }
}
