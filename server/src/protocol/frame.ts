/**
 * A server-to-client WebSocket frame (RFC 6455 §5.2: FIN, binary opcode, no mask) around a
 * message, built once per broadcast so that every receiver gets the very same bytes and the
 * per-receiver cost is one socket write.
 */
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
