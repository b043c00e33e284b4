/**
 * What rooms need from the layers around them, as interfaces: the transport implements them
 * (transport/), tests implement them with fakes of the edges. Rooms never see `ws` or sockets.
 */

/**
 * Messages encoded once for many receivers by the transport's `Wire` (for WebSockets: framed),
 * with what metrics and the output cap need to know of them.
 */
export interface Outgoing {
  /** Bytes for `SocketLike.sendEncoded`, the same for every receiver. */
  readonly data: Uint8Array;
  /** Number of messages in `data`. */
  readonly count: number;
  /** Payload bytes of those messages (without transport headers). */
  readonly bytes: number;
  /** Size of the largest single message as sent: the output cap is checked as if each were sent alone. */
  readonly largest: number;
}

/** Encodes messages once for N sockets ("frame once, write to N"). */
export interface Wire {
  /** One protocol message. */
  message(payload: Uint8Array): Outgoing;
  /** The Update messages of `updates[from..to)`, back to back. */
  updates(updates: readonly Uint8Array[], from: number, to: number): Outgoing;
}

/** What a room needs of a socket. */
export interface SocketLike {
  /** Sends one protocol message. */
  send(message: Uint8Array): void;
  /** Writes what the room's `Wire` encoded (shared by every receiver of a broadcast). */
  sendEncoded(out: Outgoing): void;
  close(code: number, reason: string): void;
  terminate(): void;
  ping(): void;
  /** Output queued and not yet taken by the peer. */
  readonly bufferedAmount: number;
}
