import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Config } from '../config.js';
import { originAllowed } from './cors.js';

/** The peer's address; behind a trusted proxy, the address the proxy appended last. */
export function clientIp(config: Config, req: IncomingMessage): string {
  if (config.trustProxy) {
    const fwd = req.headers['x-forwarded-for'];
    const list = (Array.isArray(fwd) ? fwd.join(',') : fwd ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const last = list[list.length - 1];
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** The WebSocket's share of the one CORS policy (http/cors.ts). */
export function isOriginAllowed(config: Config, req: IncomingMessage): boolean {
  return originAllowed(config, req.headers.origin);
}

/** Answers a refused upgrade with a plain HTTP response and ends the socket. */
export function rejectUpgrade(socket: Duplex, status: number, error: string, reason: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error, reason }) + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
