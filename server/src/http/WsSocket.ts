import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { SocketLike } from '../rooms/Connection.js';

/**
 * The rooms' view of a `ws` WebSocket. Broadcast frames are written straight to the TCP
 * socket: they are complete frames, and with compression off ws's sender never holds a queue,
 * so nothing can interleave; `bufferedAmount` still counts them (it reads the socket's queue).
 */
export class WsSocket implements SocketLike {
  constructor(readonly ws: WebSocket) {}

  send(data: Uint8Array): void {
    this.ws.send(data);
  }

  sendFrame(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    (this.ws as unknown as { _socket: Socket })._socket.write(frame);
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

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
}
