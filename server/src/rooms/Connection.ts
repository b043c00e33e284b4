import type { CloseCode } from '../closeCodes.js';

/** What a room needs of a socket; `ws`'s WebSocket satisfies it as is. */
export interface SocketLike {
  send(data: Uint8Array): void;
  /** Writes a message already framed for the wire (shared by every receiver of a broadcast). */
  sendFrame(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  terminate(): void;
  ping(): void;
  readonly bufferedAmount: number;
}

export interface Access {
  mode: 'read' | 'write';
  /** From the token: stamped into the awareness `user.name` this connection sends. */
  userName?: string | undefined;
  /** Token expiry, ms since the epoch. */
  expiresAtMs?: number | undefined;
}

export interface ConnectionLimits {
  maxBufferedBytes: number;
  rateLimitPerSec: number;
  rateLimitBurst: number;
}

/**
 * One peer of one room: its socket, what it may do, the awareness IDs it owns, and its budget.
 * Kept small on purpose: an idle connection holds these fields and nothing else.
 */
export class Connection {
  /** Awareness client IDs this connection introduced (made on first use: idle peers are many). */
  owned: Set<number> | undefined;
  closed = false;
  /** The code it was closed with by us, if any. */
  closeCode: number | undefined;
  /** A ping is outstanding since `pingSentAt` (ms). */
  awaitingPong = false;
  pingSentAt = 0;
  loggedReadOnlyDrop = false;
  /** Closes the session when the token expires (only with AUTH_SECRET). */
  expiryTimer: NodeJS.Timeout | undefined;
  /** Told once when we close the connection (shared function, not a per-connection closure). */
  onClose: ((conn: Connection) => void) | undefined;
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly id: number,
    readonly socket: SocketLike,
    readonly access: Access,
    readonly ip: string,
    private readonly limits: ConnectionLimits,
    now: number,
  ) {
    this.tokens = limits.rateLimitBurst;
    this.refilledAt = now;
  }

  /** Sends a message, or closes the connection with 1013 when its unsent output is over the cap. */
  send(bytes: Uint8Array): boolean {
    if (!this.hasRoomFor(bytes.length)) return false;
    this.socket.send(bytes);
    return true;
  }

  /**
   * Like `send`, for messages framed once for many receivers. `frames` may hold several framed
   * messages; the cap is checked as if each were written on its own (`largest` is the biggest).
   */
  sendFrame(frames: Uint8Array, largest = frames.length): boolean {
    if (!this.hasRoomFor(largest)) return false;
    this.socket.sendFrame(frames);
    return true;
  }

  private hasRoomFor(bytes: number): boolean {
    if (this.closed) return false;
    if (this.socket.bufferedAmount + bytes > this.limits.maxBufferedBytes) {
      // A peer that does not read: drop it rather than buffer without bound. The close
      // frame would queue behind the backlog, so the socket is cut.
      this.close(1013, 'output buffer full', true);
      return false;
    }
    return true;
  }

  own(clientId: number): void {
    (this.owned ??= new Set()).add(clientId);
  }

  /** Token bucket: false when the peer sends faster than its rate allows. */
  takeToken(now: number): boolean {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.limits.rateLimitBurst, this.tokens + (elapsed * this.limits.rateLimitPerSec) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Heard from the peer (a message or a pong). */
  alive(): void {
    this.awaitingPong = false;
  }

  /** Whether the peer left a ping unanswered for at least `graceMs`. */
  missedPong(now: number, graceMs: number): boolean {
    return this.awaitingPong && now - this.pingSentAt >= graceMs;
  }

  close(code: CloseCode | 1000, reason: string, terminate = false): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    clearTimeout(this.expiryTimer);
    this.socket.close(code, reason);
    if (terminate) this.socket.terminate();
    this.onClose?.(this);
  }
}
