import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { Outgoing, SocketLike } from '../rooms/ports.js';
import * as handleWrite from './handleWrite.js';

/**
 * The TCP socket under a `ws` WebSocket. ws keeps it in the private field `_socket` and offers
 * no public accessor; we write complete frames to it directly (see WsSocket). The test
 * `transport/WsSocket.test.ts` fails if a ws release renames or removes the field.
 */
export function rawSocketOf(ws: WebSocket): Socket | undefined {
  return (ws as unknown as { _socket?: Socket })._socket;
}

/**
 * A `ws` WebSocket as rooms need it: the server makes its sockets of this class
 * (`new WebSocketServer({ WebSocket: WsSocket })`), so a connection costs no wrapper object.
 * Broadcast frames (made by `wsWire`) are written straight to the TCP socket: they are complete
 * frames, and with compression off ws's sender never holds a queue, so nothing can interleave;
 * `bufferedAmount` still counts them (it reads the socket's queue).
 *
 * Frames wait for the end of the turn and go out in one write: the updates of one
 * group-committed batch are applied in one go, and presence rides on a document update, so a
 * busy document sends a peer one write per turn, not one per message (a socket write is the
 * largest cost of fan-out). A frame alone is written as it is; before 2026-12-05 every frame
 * corked its socket and queued an uncork of its own, which cost ~1–2 µs more per write than this
 * list (a loop like bench/src/floor.mjs's: 13.3 against 11.5 µs a write to 100 peers, 8.0
 * against 6.6 to 1,000), and most turns write a peer one frame. The write goes to the socket's
 * handle, past Node's stream, when the stream holds nothing (see handleWrite). Anything ws itself
 * writes (a message of this connection's own, a ping, the close frame) goes after what waits, in
 * order.
 */
export class WsSocket extends WebSocket implements SocketLike, handleWrite.StraightWrites {
  /** Frames waiting for the end of the turn (one, or several in order). */
  private waiting: Uint8Array | Uint8Array[] | undefined = undefined;
  /** Bytes of the frames written straight to the handle that libuv has not written yet (handleWrite). */
  straightQueued = 0;

  /**
   * Replaces the listener store EventEmitter made in the constructor (ws adds no listener to a
   * server-side socket before it is handed over): see SocketListeners.
   */
  protected _events = new SocketListeners();

  sendEncoded(out: Outgoing): void {
    if (this.readyState !== WebSocket.OPEN) return;
    const waiting = this.waiting;
    if (waiting === undefined) {
      this.waiting = out.data;
      if (waitingSockets.push(this) === 1) process.nextTick(writeWaiting);
    } else if (Array.isArray(waiting)) waiting.push(out.data);
    else this.waiting = [waiting, out.data];
  }

  /** Writes what waits: a frame alone as it is, several joined in one buffer (see `joined`). */
  writeWaiting(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    const socket = rawSocketOf(this);
    if (this.readyState !== WebSocket.OPEN || !socket) return;
    handleWrite.write(socket, Array.isArray(waiting) ? joined(waiting) : waiting, this);
  }

  override send(data: SendData, cb?: SendCallback): void;
  override send(data: SendData, options: SendOptions, cb?: SendCallback): void;
  override send(data: SendData, options?: SendOptions | SendCallback, cb?: SendCallback): void {
    this.writeWaiting();
    super.send(data, options as SendOptions, cb);
  }

  override ping(...args: Parameters<WebSocket['ping']>): void {
    this.writeWaiting();
    super.ping(...args);
  }

  override close(...args: Parameters<WebSocket['close']>): void {
    this.writeWaiting();
    super.close(...args);
  }

  override terminate(): void {
    this.waiting = undefined;
    super.terminate();
  }

  /**
   * Output the peer has not taken yet (what this turn is about to send does not count): ws's
   * count (its socket's stream) and what libuv holds of the writes that went past the stream.
   */
  get backlog(): number {
    return this.bufferedAmount + this.straightQueued;
  }

  /**
   * Bytes written to the peer so far, those still queued or waiting included (Node counts its
   * write queue in, and the handle's count includes the writes past the stream; what waits is
   * already where the next message sits in the stream).
   */
  get sent(): number {
    const waiting = this.waiting;
    let bytes = rawSocketOf(this)?.bytesWritten ?? 0;
    if (Array.isArray(waiting)) for (const frame of waiting) bytes += frame.length;
    else if (waiting) bytes += waiting.length;
    return bytes;
  }
}

type SendData = Parameters<WebSocket['send']>[0];
type SendCallback = (err?: Error) => void;
type SendOptions = Exclude<Parameters<WebSocket['send']>[1], SendCallback | undefined>;

/** Sockets with frames waiting, written at the end of the turn: one callback for all of them. */
const waitingSockets: WsSocket[] = [];

function writeWaiting(): void {
  // A socket written early (ws wrote something of its own) may be listed again: it writes nothing twice.
  for (let i = 0; i < waitingSockets.length; i++) {
    const ws = waitingSockets[i]!;
    try {
      ws.writeWaiting();
    } catch {
      ws.terminate(); // (Node reports a failed write as an error event; a throw here would be a bug: it costs that peer, not the others)
    }
  }
  waitingSockets.length = 0;
  lastJoined = undefined;
  lastParts = undefined;
}

let lastParts: readonly Uint8Array[] | undefined;
let lastJoined: Buffer | undefined;

/**
 * Several frames as one buffer. The peers of a room mostly wait for the same frames in the same
 * order (a keystroke and the presence riding on it), so the last join is reused while the parts
 * are the very same buffers: one copy for the room, not one per peer, and a plain write each
 * (a writev of two buffers cost Node ~35 % more than a write, bench P at N = 100).
 */
function joined(parts: readonly Uint8Array[]): Buffer {
  if (sameParts(lastParts, parts)) return lastJoined!;
  lastParts = parts;
  lastJoined = Buffer.concat(parts);
  return lastJoined;
}

function sameParts(a: readonly Uint8Array[] | undefined, b: readonly Uint8Array[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Where EventEmitter keeps a connection's listeners (its private field `_events`). It makes that
 * object as `{ __proto__: null }`, which V8 holds in dictionary mode: ~300 bytes per idle
 * connection. An instance of this null-prototype class, with the events the gateway listens to
 * declared, is a fast object of ~60 bytes (bench B). Node's own streams pre-fill `_events` the
 * same way (Readable: `{ close: undefined, error: undefined, data: undefined, ... }`).
 * `transport/WsSocket.test.ts` fails if EventEmitter stops keeping its listeners there.
 */
class SocketListeners {
  message: unknown = undefined;
  ping: unknown = undefined;
  pong: unknown = undefined;
  close: unknown = undefined;
  error: unknown = undefined;
}
// No inherited names: EventEmitter reads `_events[type]` for any event name.
Object.setPrototypeOf(SocketListeners.prototype, null);
delete (SocketListeners.prototype as { constructor?: unknown }).constructor;
