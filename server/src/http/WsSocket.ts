import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { SocketLike } from '../rooms/Connection.js';

/**
 * The rooms' view of a `ws` WebSocket. Broadcast frames are written straight to the TCP
 * socket: they are complete frames, and with compression off ws's sender never holds a queue,
 * so nothing can interleave; `bufferedAmount` still counts them (it reads the socket's queue).
 *
 * Frames are corked until the end of the tick: the updates of one group-committed batch are
 * applied in one go, so a busy document sends a peer one write per batch, not one per update
 * (a socket write is the largest cost of fan-out).
 */
export class WsSocket implements SocketLike {
  /** Bytes written since the socket was corked this tick: not a backlog, so not counted in it. */
  corkedBytes = 0;

  constructor(readonly ws: WebSocket) {}

  send(data: Uint8Array): void {
    this.ws.send(data);
  }

  sendFrame(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const socket = (this.ws as unknown as { _socket: Socket })._socket;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork, this, socket);
    }
    this.corkedBytes += frame.length;
    socket.write(frame);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  ping(): void {
    this.ws.ping();
  }

  /** Output the peer has not taken yet (what this tick is about to send does not count). */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount - this.corkedBytes;
  }
}

function uncork(ws: WsSocket, socket: Socket): void {
  ws.corkedBytes = 0;
  socket.uncork();
}
