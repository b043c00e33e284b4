// A WebSocket client for the load generator that reads only what it must: the head of each
// message (its first bytes) and its length, over a bare TCP socket. `ws` assembles every message
// into a Buffer of its own — for a join storm, 150 copies of a 20 MB document (3 GB allocated,
// copied and collected on the generator's one core, which made the harness, not the server, the
// floor of scenario J). Here the bytes are counted as they arrive and dropped, unless the caller
// asks to keep a message whole (the few clients that check what they got).
//
// RFC 6455 client side: the opening handshake, masked frames out, unmasked frames in, pings
// answered with pongs, the close frame's code reported. Server messages are not fragmented by
// the servers measured here (ws sends each message as one frame); continuation frames are still
// read as part of their message.
import net from 'node:net';
import { randomBytes } from 'node:crypto';

/** How many bytes of each message's head are kept for the caller to parse. */
const HEAD_BYTES = 48;
const EMPTY = Buffer.alloc(0);

export class LiteSocket {
  /**
   * @param {string} url ws://host:port/path
   * `onHead(bytes, at, length)` is shown the head of each message (its first bytes, from `at` in
   * `bytes`, and the message's length) and says whether to keep the message whole;
   * `onMessage(length, whole)` is told when it has arrived (`whole` if kept, else null).
   * @param {{ onOpen?: () => void, onHead: (bytes: Buffer, at: number, length: number) => boolean,
   *   onMessage: (length: number, whole: Buffer | null) => void, onClose?: (code: number) => void }} o
   */
  constructor(url, { onOpen, onHead, onMessage, onClose }) {
    const u = new URL(url);
    Object.assign(this, { onOpen, onHead, onMessage, onClose });
    this.open = false;
    this.closed = false;
    this.closeCode = null;
    this.handshake = Buffer.alloc(0);
    this.header = EMPTY; // a frame header split across chunks
    this.frame = { active: false, opcode: 0, fin: true, remaining: 0 }; // the frame being read (one object, reused)
    this.message = { active: false, length: 0, decided: false, early: null, whole: null }; // the message being read
    this.control = null; // a ping, pong or close frame being read
    this.socket = net.connect(Number(u.port), u.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      this.socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    this.socket.on('data', (chunk) => (this.open ? this.read(chunk) : this.readHandshake(chunk)));
    this.socket.on('error', () => this.ended(1006));
    this.socket.on('close', () => this.ended(1006));
  }

  readHandshake(chunk) {
    this.handshake = Buffer.concat([this.handshake, chunk]);
    const end = this.handshake.indexOf('\r\n\r\n');
    if (end < 0) return;
    const status = this.handshake.subarray(0, this.handshake.indexOf('\r\n')).toString();
    if (!/^HTTP\/1\.1 101/.test(status)) {
      this.ended(Number(status.split(' ')[1]) || 1006);
      this.socket.destroy();
      return;
    }
    const rest = this.handshake.subarray(end + 4);
    this.handshake = null;
    this.open = true;
    this.onOpen?.();
    if (rest.length) this.read(rest);
  }

  read(chunk) {
    let at = 0;
    while (at < chunk.length && !this.closed) {
      if (!this.frame.active) {
        const taken = this.readHeader(chunk, at);
        if (taken < 0) return; // the header continues in the next chunk
        at = taken;
        if (this.frame.remaining === 0) this.endFrame();
        continue;
      }
      const n = Math.min(this.frame.remaining, chunk.length - at);
      if (this.frame.opcode >= 8) this.control.parts.push(chunk.subarray(at, at + n));
      else this.take(chunk, at, n);
      at += n;
      this.frame.remaining -= n;
      if (this.frame.remaining === 0) this.endFrame();
    }
  }

  /** Reads a frame header at `at` (joined with a part from the last chunk): where its payload starts, or -1. */
  readHeader(chunk, at) {
    const b = this.header.length ? Buffer.concat([this.header, chunk.subarray(at, at + 14)]) : chunk;
    const o = this.header.length ? 0 : at;
    if (b.length - o < 2) return this.keepHeader(chunk, at);
    let len = b[o + 1] & 0x7f;
    let size = 2;
    if (len === 126) {
      if (b.length - o < 4) return this.keepHeader(chunk, at);
      len = b.readUInt16BE(o + 2);
      size = 4;
    } else if (len === 127) {
      if (b.length - o < 10) return this.keepHeader(chunk, at);
      len = Number(b.readBigUInt64BE(o + 2));
      size = 10;
    }
    const fromChunk = size - this.header.length;
    if (this.header.length) this.header = EMPTY;
    const opcode = b[o] & 0x0f;
    this.frame.opcode = opcode;
    this.frame.fin = (b[o] & 0x80) !== 0;
    this.frame.remaining = len;
    this.frame.active = true;
    if (opcode >= 8) this.control = { opcode, parts: [] };
    else if (!this.message.active) Object.assign(this.message, { active: true, length: 0, decided: false, early: null, whole: null });
    return at + fromChunk;
  }

  keepHeader(chunk, at) {
    this.header = Buffer.concat([this.header, chunk.subarray(at)]);
    return -1;
  }

  /**
   * `n` bytes of the message being read, at `at` in `chunk`. Its head is shown to `onHead` once
   * (where the first part holds it, as a view: nothing is copied), which says whether to keep it.
   * Chunks from the socket are never reused by Node: keeping views of them copies nothing.
   */
  take(chunk, at, n) {
    const m = this.message;
    const rest = this.frame.remaining - n; // of this frame, after this part
    if (m.whole) m.whole.push(chunk.subarray(at, at + n));
    else if (!m.decided) {
      if (!m.early && (n >= HEAD_BYTES || rest === 0)) {
        m.decided = true;
        if (this.onHead(chunk, at, m.length + n + rest)) m.whole = [chunk.subarray(at, at + n)];
      } else {
        (m.early ??= []).push(chunk.subarray(at, at + n));
        const early = Buffer.concat(m.early);
        if (early.length >= HEAD_BYTES || rest === 0) {
          m.decided = true;
          if (this.onHead(early, 0, m.length + n + rest)) m.whole = m.early;
          m.early = null;
        }
      }
    }
    m.length += n;
  }

  endFrame() {
    const { opcode, fin } = this.frame;
    this.frame.active = false;
    if (opcode >= 8) {
      const payload = Buffer.concat(this.control.parts);
      this.control = null;
      if (opcode === 0x9) this.sendFrame(0xa, payload);
      else if (opcode === 0x8) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.closeCode ??= code;
        this.sendFrame(0x8, payload.subarray(0, 2));
        this.socket.end();
      }
      return;
    }
    if (!fin) return;
    const m = this.message;
    m.active = false;
    const whole = m.whole && (m.whole.length === 1 ? m.whole[0] : Buffer.concat(m.whole));
    m.whole = null;
    this.onMessage(m.length, whole);
  }

  /** Sends a binary message. */
  send(payload) {
    this.sendFrame(0x2, payload);
  }

  sendFrame(opcode, payload) {
    if (!this.open || this.socket.destroyed) return;
    const len = payload.length;
    const size = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const out = Buffer.allocUnsafe(size + 4 + len);
    out[0] = 0x80 | opcode;
    if (size === 2) out[1] = 0x80 | len;
    else if (size === 4) {
      out[1] = 0x80 | 126;
      out.writeUInt16BE(len, 2);
    } else {
      out[1] = 0x80 | 127;
      out.writeBigUInt64BE(BigInt(len), 2);
    }
    const mask = randomBytes(4);
    mask.copy(out, size);
    for (let i = 0; i < len; i++) out[size + 4 + i] = payload[i] ^ mask[i & 3];
    this.socket.write(out);
  }

  ended(code) {
    if (this.closed) return;
    this.closed = true;
    this.closeCode ??= code;
    this.onClose?.(this.closeCode);
  }

  /** Drops the connection at once (as ws's `terminate`). */
  terminate() {
    this.socket.destroy();
    this.ended(1006);
  }
}
