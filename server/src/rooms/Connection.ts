import type { Access } from '../auth/access.js';
import { CloseCode, ObservedCloseCode } from '../closeCodes.js';
import { BUDGET_NOTE_BYTES, type OutputBudget } from './OutputBudget.js';
import { OwnedIds } from './OwnedIds.js';
import type { Outgoing, SocketLike } from './ports.js';

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The slowest reading a pong deadline allows for (bytes a second, a poor mobile link): a ping
 * queued behind N unread bytes gets N / this longer to be answered. A peer that is taking a 20 MB
 * first sync is alive however far its pong lies behind; one that has died is still cut once
 * even this slow a reader would have answered (160 s later for 20 MB).
 */
const SLOWEST_READ_BYTES_PER_SEC = 128 * 1024;

export interface ConnectionLimits {
  maxBufferedBytes: number;
  rateLimitPerSec: number;
  rateLimitBurst: number;
  rateLimitBytesPerSec: number;
  rateLimitBytesBurst: number;
}

/** A connection as the origin of the updates it sends (see origins.ts). */
export interface ConnectionOrigin {
  readonly kind: 'conn';
  readonly conn: Connection;
}

/** Which of a connection's budgets ran dry. */
export type Exhausted = 'messages' | 'bytes';

/**
 * One peer of one room: its socket, what it may do, the awareness IDs it owns, its budget and
 * its liveness. Its state changes only through its methods. Kept small on purpose: an idle
 * connection holds these fields and nothing else.
 */
export class Connection {
  /** This connection as the origin of the updates it sends (made on its first update). */
  private asOrigin: ConnectionOrigin | undefined;
  /** Awareness client IDs this connection introduced (made on first use: idle peers are many). */
  readonly owned = new OwnedIds();
  /**
   * With `?acks=1`: the Yjs client IDs whose structs this connection has sent, acknowledged
   * with their durable clocks after each batch holding its updates (null: acks not asked for).
   */
  readonly ackClients: Set<number> | null;
  private isClosed = false;
  /**
   * Closed by a server going away: the updates the peer sent before its close frame came back
   * are still read and stored (see `closeDraining`).
   */
  private draining = false;
  /** The code it was closed with by us or by ws, if any. */
  private code: number | undefined;
  /**
   * A ping is outstanding since `pingSentAt` (ms). That field holds a time from the constructor
   * on, and the grace and the nonce below are whole numbers under 2³¹: a field that starts as a
   * small integer and later takes a time or a fraction changes the hidden class of every
   * connection at the first heartbeat, and V8 then drops the optimised code of everything that
   * reads connections (seen at 15 s with `--trace-deopt`).
   */
  private awaitingPong = false;
  private pingSentAt: number;
  /** Where the outstanding ping sits in the output stream (bytes sent before it). */
  private pingAt = 0;
  /** Bytes the peer has read for sure: everything before the last ping it answered. */
  private readUpTo = 0;
  /** How much longer than one heartbeat the outstanding ping may take: the unread bytes ahead of it at the slowest reading rate. */
  private pongGraceMs = 0;
  /** The payload of the outstanding ping: only a pong echoing it answers it. */
  private pingNonce = 0;
  private loggedReadOnlyDrop = false;
  /** Its first sync step 1 was answered. */
  private synced = false;
  /** Closes the session when the token expires (only with AUTH_SECRET). */
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Told once when we close the connection (shared function, not a per-connection closure). */
  private onClose: ((conn: Connection) => void) | undefined;
  private tokens: number;
  private byteTokens: number;
  private refilledAt: number;
  /**
   * A shared message larger than the output cap sent while nothing was queued (a big document's
   * first sync): the cap then applies to what queues behind it, so the cap is raised by its size
   * until the queue is empty again.
   */
  private headAllowance = 0;
  /**
   * The size of a message shared by every receiver sent while nothing was queued: it heads the
   * queue, costs one buffer for all its receivers, and so is not this connection's own backlog.
   */
  private sharedHead = 0;

  constructor(
    readonly id: number,
    readonly socket: SocketLike,
    readonly access: Access,
    readonly ip: string,
    private readonly limits: ConnectionLimits,
    now: number,
    acks = false,
    /** The server-wide bound on unsent output (MAX_TOTAL_BUFFERED_BYTES), if any. */
    private readonly budget?: OutputBudget | undefined,
  ) {
    this.ackClients = acks ? new Set() : null;
    this.tokens = limits.rateLimitBurst;
    this.byteTokens = limits.rateLimitBytesBurst;
    this.refilledAt = now;
    this.pingSentAt = now;
  }

  get origin(): ConnectionOrigin {
    return (this.asOrigin ??= { kind: 'conn', conn: this });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Whether the peer's frames are still read: it is open, or draining after `closeDraining`. */
  get reading(): boolean {
    return !this.isClosed || this.draining;
  }

  /** The code this connection ended with, as far as this side knows. */
  get closeCode(): number | undefined {
    return this.code;
  }

  /** `onClose` is called once, when this side closes the connection. */
  handleClosedBy(onClose: (conn: Connection) => void): void {
    this.onClose = onClose;
  }

  /**
   * Sends a message made for this connection alone, or closes the connection with 1013 when
   * its unsent output would pass the cap (MAX_BUFFERED_BYTES).
   */
  send(bytes: Uint8Array): boolean {
    if (!this.hasRoomFor(bytes.length, false)) return false;
    this.socket.send(bytes);
    return true;
  }

  /**
   * Like `send`, for a message whose bytes every receiver shares (the whole document or the
   * presence a joiner is greeted with): one larger than the cap may go when nothing is queued.
   */
  sendShared(bytes: Uint8Array): boolean {
    if (!this.hasRoomFor(bytes.length, true)) return false;
    this.socket.send(bytes);
    return true;
  }

  /**
   * Like `sendShared`, for messages encoded once for many receivers (a broadcast). `out` may hold
   * several messages; the cap is checked as if each were written on its own (`largest` is the biggest).
   */
  sendEncoded(out: Outgoing): boolean {
    if (!this.hasRoomFor(out.largest, true)) return false;
    this.socket.sendEncoded(out);
    return true;
  }

  /** Whether a message of `bytes` made for this connection alone could be sent to it when nothing is queued. */
  fits(bytes: number): boolean {
    return bytes <= this.limits.maxBufferedBytes;
  }

  /** True once: for the answer to the peer's first sync step 1 (the join's first sync). */
  firstSync(): boolean {
    if (this.synced) return false;
    this.synced = true;
    return true;
  }

  /**
   * MAX_BUFFERED_BYTES bounds the backlog queued behind the message being written. With nothing
   * queued, a message larger than the cap may go only if its bytes are `shared` by every
   * receiver (a big document's first sync, a large update to every peer): it then costs one
   * buffer for all of them, where a copy per connection would cost one each. The cap is raised
   * by its size until the queue is empty again.
   */
  private hasRoomFor(bytes: number, shared: boolean): boolean {
    if (this.isClosed) return false;
    const queued = Math.max(0, this.socket.backlog);
    if (queued === 0) {
      this.headAllowance = shared && bytes > this.limits.maxBufferedBytes ? bytes : 0;
      this.sharedHead = shared ? bytes : 0;
    }
    if (queued + bytes > this.limits.maxBufferedBytes + this.headAllowance) {
      // A peer that does not read: drop it rather than buffer without bound. A close frame
      // would queue behind the backlog, so then the socket is cut.
      this.close(CloseCode.TryAgainLater, 'output buffer full', queued > 0);
      return false;
    }
    return this.withinBudget(queued, bytes, shared);
  }

  /** Unsent output of this connection's own: what is queued but a shared message at its head (see OutputBudget). */
  get ownBacklog(): number {
    const queued = this.socket.backlog;
    return queued > 0 ? Math.max(0, queued - this.sharedHead) : 0;
  }

  /** Reports a backlog (or a large send of its own) to the server-wide budget, which may close this connection. */
  private withinBudget(queued: number, bytes: number, shared: boolean): boolean {
    if (!this.budget || (queued === 0 && (shared || bytes < BUDGET_NOTE_BYTES))) return true;
    this.budget.note(this, queued === 0 ? bytes : Math.max(0, queued - this.sharedHead) + bytes);
    return !this.isClosed;
  }

  /** True the first time a read-only connection's update is dropped: log once per connection. */
  firstReadOnlyDrop(): boolean {
    if (this.loggedReadOnlyDrop) return false;
    this.loggedReadOnlyDrop = true;
    return true;
  }

  /**
   * Token buckets on messages and on received bytes: which budget a message of `bytes` would
   * overdraw (nothing is taken then), or undefined when it may be handled.
   */
  takeTokens(now: number, bytes: number): Exhausted | undefined {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      const { rateLimitBurst, rateLimitPerSec, rateLimitBytesBurst, rateLimitBytesPerSec } = this.limits;
      this.tokens = Math.min(rateLimitBurst, this.tokens + (elapsed * rateLimitPerSec) / 1000);
      this.byteTokens = Math.min(rateLimitBytesBurst, this.byteTokens + (elapsed * rateLimitBytesPerSec) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return 'messages';
    if (this.byteTokens < bytes) return 'bytes';
    this.tokens -= 1;
    this.byteTokens -= bytes;
    return undefined;
  }

  /** Heard from the peer (a message). */
  alive(): void {
    this.awaitingPong = false;
  }

  /**
   * A pong: it answers the outstanding ping only if it echoes that ping's payload. Unsolicited
   * pongs (RFC 6455 allows them as heartbeats) are ignored: sent blindly, they would keep alive a
   * peer that never reads what it is sent.
   */
  handlePong(data: Uint8Array): void {
    if (!this.awaitingPong || data.length !== 4) return;
    if (((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0 !== this.pingNonce) return;
    this.awaitingPong = false;
    this.readUpTo = this.pingAt;
  }

  /**
   * The heartbeat: pings the peer. Returns false when the previous ping is still unanswered past
   * its deadline, the next heartbeat, or later when the ping was queued behind unread output
   * (a large first sync, a burst of edits): the pong comes only once the peer has read all that,
   * and a slow reader is alive. The peer then looks dead (`cut` it, unless its pong turns up first).
   */
  heartbeat(now: number): boolean {
    if (this.awaitingPong) return now - this.pingSentAt < this.pongGraceMs;
    this.awaitingPong = true;
    this.pingSentAt = now;
    this.pingAt = this.socket.sent;
    this.pongGraceMs = Math.ceil((Math.max(0, this.pingAt - this.readUpTo) * 1000) / SLOWEST_READ_BYTES_PER_SEC);
    this.pingNonce = Math.floor(Math.random() * 2 ** 31);
    const n = this.pingNonce;
    this.socket.ping(Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
    return true;
  }

  /** Whether the ping is still unanswered: the heartbeat's verdict stands (a closed socket the peer never let go of is cut too). */
  get silent(): boolean {
    return this.awaitingPong;
  }

  /** Cuts a connection that looks dead (no close frame: nothing reaches a peer that does not answer). */
  cut(): void {
    this.code ??= ObservedCloseCode.Abnormal;
    this.isClosed = true;
    clearTimeout(this.expiryTimer);
    this.socket.terminate();
  }

  /** Whether the peer left a ping unanswered for at least `graceMs`. */
  missedPong(now: number, graceMs: number): boolean {
    return this.awaitingPong && now - this.pingSentAt >= graceMs;
  }

  /**
   * Closes the session with 4401 when the token expires. A timer cannot wait longer than
   * 2^31-1 ms (~24.8 days; Node fires a longer one at once): a token valid for longer (a share
   * link without expiry) re-arms in steps instead of ending the session on the spot.
   */
  expireAt(expiresAtMs: number, now: number): void {
    const wait = Math.max(0, expiresAtMs - now);
    const step = Math.min(wait, MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => {
      if (step < wait) this.expireAt(expiresAtMs, Date.now());
      else this.close(CloseCode.TokenExpired, 'token expired');
    }, step);
    this.expiryTimer.unref();
  }

  /** ws reported a protocol error and closes the socket itself with `code`. */
  failedWith(code: number): void {
    this.code ??= code;
  }

  /** The socket is gone, whoever closed it: nothing more is sent or read. */
  ended(): void {
    this.isClosed = true;
    this.draining = false;
    this.budget?.forget(this);
    clearTimeout(this.expiryTimer);
  }

  /**
   * Sends the close frame but keeps reading until the peer's own close frame ends the socket
   * (`ended`): what the peer typed before it saw ours is still stored, so a server going away
   * (1001) loses no edit in flight. `onClose` is not called: the socket's end releases it.
   */
  closeDraining(code: CloseCode, reason: string): void {
    if (this.isClosed) return;
    this.draining = true;
    this.sendClose(code, reason);
  }

  close(code: CloseCode, reason: string, terminate = false): void {
    if (this.isClosed) return;
    this.sendClose(code, reason);
    if (terminate) this.socket.terminate();
    this.onClose?.(this);
  }

  private sendClose(code: CloseCode, reason: string): void {
    this.isClosed = true;
    this.code = code;
    clearTimeout(this.expiryTimer);
    this.socket.close(code, reason);
  }
}
