/**
 * A server-to-client WebSocket frame (RFC 6455 §5.2: FIN, binary opcode, no mask) around a
 * message, built once per broadcast so that every receiver gets the very same bytes and the
 * per-receiver cost is one socket write.
 */
export function frameBinary(payload: Uint8Array): Buffer {
  const len = payload.length;
  const headerLength = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + len);
  frame[0] = 0x82; // FIN | opcode 2 (binary)
  if (len < 126) {
    frame[1] = len;
  } else if (len < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  frame.set(payload, headerLength);
  return frame;
}
