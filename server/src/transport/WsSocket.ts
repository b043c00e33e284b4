import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { Outgoing, SocketLike } from '../rooms/ports.js';

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
 * Frames are corked until the end of the tick: the updates of one group-committed batch are
 * applied in one go, so a busy document sends a peer one write per batch, not one per update
 * (a socket write is the largest cost of fan-out).
 */
export class WsSocket extends WebSocket implements SocketLike {
  /** Bytes written since the socket was corked this tick: not a backlog, so not counted in it. */
  private corkedBytes = 0;

  /**
   * Replaces the listener store EventEmitter made in the constructor (ws adds no listener to a
   * server-side socket before it is handed over): see SocketListeners.
   */
  protected _events = new SocketListeners();

  sendEncoded(out: Outgoing): void {
    if (this.readyState !== WebSocket.OPEN) return;
    const socket = rawSocketOf(this)!;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork, this, socket);
    }
    this.corkedBytes += out.data.length;
    socket.write(out.data);
  }

  /** Output the peer has not taken yet (what this tick is about to send does not count). */
  get backlog(): number {
    return this.bufferedAmount - this.corkedBytes;
  }

  /** Bytes written to the peer so far, those still queued included (Node counts its write queue in). */
  get sent(): number {
    return rawSocketOf(this)?.bytesWritten ?? 0;
  }

  /** End of the tick: the corked frames go out in one write. */
  uncorked(): void {
    this.corkedBytes = 0;
  }
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

function uncork(ws: WsSocket, socket: Socket): void {
  ws.uncorked();
  socket.uncork();
}
