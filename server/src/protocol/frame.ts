/**
 * A server-to-client WebSocket frame (RFC 6455 §5.2: FIN, binary opcode, no mask) around a
 * message, built once per broadcast so that every receiver gets the very same bytes and the
 * per-receiver cost is one socket write.
 */
/** Framed messages ready for many sockets, with what metrics and the output cap need to know. */
export interface Framed {
  /** One or more complete frames, back to back. */
  frames: Buffer;
  /** Number of messages in `frames`. */
  count: number;
  /** Payload bytes of those messages (without frame headers). */
  bytes: number;
  /** Size of the largest single frame: the output cap is checked as if each were sent alone. */
  largest: number;
}

/** One message framed on its own (see `frameBinary`). */
export function framedMessage(payload: Uint8Array): Framed {
  const frames = frameBinary(payload);
  return { frames, count: 1, bytes: payload.length, largest: frames.length };
}

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
