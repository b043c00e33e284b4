/**
 * Server-to-client WebSocket frames (RFC 6455 §5.2: FIN, binary opcode, no mask) built once per
 * broadcast, so that every receiver gets the very same bytes and the per-receiver cost is one
 * socket write. This is the rooms' `Wire` for real sockets.
 */
import { updateMessageLength, writeUpdateMessage } from '../protocol/messages.js';
import type { Outgoing, Wire } from '../rooms/ports.js';

export function frameBinary(payload: Uint8Array): Buffer {
  const headerLength = frameHeaderLength(payload.length);
  const frame = Buffer.allocUnsafe(headerLength + payload.length);
  writeFrameHeader(frame, 0, payload.length);
  frame.set(payload, headerLength);
  return frame;
}

/** Bytes of the header of a server frame carrying `len` payload bytes. */
export function frameHeaderLength(len: number): number {
  return len < 126 ? 2 : len < 65536 ? 4 : 10;
}

/** Writes the header of a binary server frame of `len` payload bytes at `at`; returns its end. */
export function writeFrameHeader(buf: Buffer, at: number, len: number): number {
  buf[at] = 0x82; // FIN | opcode 2 (binary)
  if (len < 126) {
    buf[at + 1] = len;
    return at + 2;
  }
  if (len < 65536) {
    buf[at + 1] = 126;
    buf.writeUInt16BE(len, at + 2);
    return at + 4;
  }
  buf[at + 1] = 127;
  buf.writeUInt32BE(Math.floor(len / 2 ** 32), at + 2);
  buf.writeUInt32BE(len >>> 0, at + 6);
  return at + 10;
}

/** One message framed on its own. */
export function frameMessage(payload: Uint8Array): Outgoing {
  const data = frameBinary(payload);
  return { data, count: 1, bytes: payload.length, largest: data.length };
}

/**
 * The Update messages of `updates[from..to)`, each framed, back to back in one buffer: what a
 * peer of a busy document gets in one write. Same bytes as `frameBinary(encodeUpdate(u))` for each.
 */
export function frameUpdateMessages(updates: readonly Uint8Array[], from = 0, to = updates.length): Outgoing {
  let size = 0;
  let bytes = 0;
  let largest = 0;
  for (let i = from; i < to; i++) {
    const len = updateMessageLength(updates[i]!);
    const frame = frameHeaderLength(len) + len;
    size += frame;
    bytes += len;
    if (frame > largest) largest = frame;
  }
  const data = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = from; i < to; i++) {
    const update = updates[i]!;
    at = writeFrameHeader(data, at, updateMessageLength(update));
    at = writeUpdateMessage(data, at, update);
  }
  return { data, count: to - from, bytes, largest };
}

/** The wire of WebSocket connections whose sockets write `Outgoing.data` as is (WsSocket). */
export const wsWire: Wire = { message: frameMessage, updates: frameUpdateMessages };
