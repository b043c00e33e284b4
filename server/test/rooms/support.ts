// In-process rooms for fast tests: a real Room on an update log in memory, with fake sockets at the edge
// (no network). Each fake socket queues what the room sends; the test decides when it arrives.
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { OPEN_ACCESS } from '../../src/auth/access.js';
import { silentLogger } from '../../src/logger.js';
import { Metrics } from '../../src/metrics.js';
import { decodeMessage, encodeSyncStep1, encodeUpdate } from '../../src/protocol/messages.js';
import { Connection } from '../../src/rooms/Connection.js';
import type { Outgoing, SocketLike } from '../../src/rooms/ports.js';
import { Room, type RoomDeps } from '../../src/rooms/Room.js';
import { UpdateLog } from '../../src/storage/kinds/updates.js';
import { MemoryKV } from '../../src/storage/kv/MemoryKV.js';
import { wsWire } from '../../src/transport/frames.js';

/** Splits server frames (as `wsWire` makes them) back into messages. */
export function unframe(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < view.length) {
    let len = view[at + 1]! & 0x7f;
    let header = 2;
    if (len === 126) {
      len = view.readUInt16BE(at + 2);
      header = 4;
    } else if (len === 127) {
      len = Number(view.readBigUInt64BE(at + 2));
      header = 10;
    }
    out.push(view.subarray(at + header, at + header + len));
    at += header + len;
  }
  return out;
}

/** A socket that queues every message the room sends it. */
export class FakeSocket implements SocketLike {
  readonly inbox: Uint8Array[] = [];
  closedWith: number | undefined;
  readonly backlog: number = 0;
  readonly sent: number = 0;
  send(message: Uint8Array): void {
    this.inbox.push(message);
  }
  sendEncoded(out: Outgoing): void {
    this.inbox.push(...unframe(out.data));
  }
  close(code: number): void {
    this.closedWith ??= code;
  }
  terminate(): void {}
  ping(): void {}
}

const shared = { logger: silentLogger(), metrics: new Metrics(), wire: wsWire };

/** The real update log over a MemoryKV (open it before use). */
export class MemoryUpdates extends UpdateLog {
  constructor(private readonly memory = new MemoryKV()) {
    super(memory);
  }

  open(): Promise<void> {
    return this.memory.open();
  }
}

export function roomDeps(store: MemoryUpdates, compactAfterUpdates = 20): RoomDeps {
  return { ...shared, store, compactAfterUpdates, maxDocumentBytes: 1 << 30, maxAwarenessBytes: 1 << 16, presenceStaleMs: 1000 };
}

const LIMITS = { maxBufferedBytes: 1 << 30, rateLimitPerSec: 1e9, rateLimitBurst: 1e9, rateLimitBytesPerSec: 1e12, rateLimitBytesBurst: 1e12 };
let nextConnId = 1;

/**
 * A y-websocket-like client of one room: its own Y.Doc, an outbox of messages for the room and
 * the inbox of its fake socket. Nothing moves until the test calls `deliver*`.
 */
export class FakeClient {
  /** A fixed guid: Yjs's default, a random UUID (31 crypto calls), was a quarter of the property's CPU time. */
  readonly doc = new Y.Doc({ guid: 'fake-client' });
  readonly fragment = this.doc.getXmlFragment('default');
  private outbox: Uint8Array[] = [];
  socket: FakeSocket | undefined;
  conn: Connection | undefined;

  /**
   * @param clientId the Yjs client ID (random when not given). Concurrent inserts are ordered by
   *   client ID, so a property that draws them replays exactly from its seed.
   */
  constructor(clientId?: number) {
    if (clientId !== undefined) this.doc.clientID = clientId;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.conn) this.outbox.push(encodeUpdate(update));
    });
  }

  /** Opens a connection: the room greets it, and the client sends its sync step 1. */
  connect(room: Room): void {
    this.socket = new FakeSocket();
    this.conn = new Connection(nextConnId++, this.socket, OPEN_ACCESS, '127.0.0.1', LIMITS, Date.now());
    this.outbox = [encodeSyncStep1(Y.encodeStateVector(this.doc))];
    room.join(this.conn);
  }

  disconnect(room: Room): void {
    if (!this.conn) return;
    room.leave(this.conn);
    this.conn.ended();
    this.conn = undefined;
    this.socket = undefined;
    this.outbox = [];
  }

  /** Hands up to `n` queued messages to the room. */
  deliverToRoom(room: Room, n = Infinity): void {
    while (n-- > 0 && this.conn && this.outbox.length > 0) room.handleMessage(this.conn, decodeMessage(this.outbox.shift()!), Date.now());
  }

  /** Takes up to `n` messages the room sent; answers sync step 1 as y-websocket does. */
  deliverFromRoom(n = Infinity): void {
    const inbox = this.socket?.inbox;
    while (n-- > 0 && inbox && inbox.length > 0) {
      const decoder = decoding.createDecoder(inbox.shift()!);
      if (decoding.readVarUint(decoder) !== 0) continue; // awareness: not this client's concern
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, 0);
      syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
      if (encoding.length(reply) > 1) this.outbox.push(encoding.toUint8Array(reply));
    }
  }

  get idle(): boolean {
    return this.outbox.length === 0 && (this.socket?.inbox.length ?? 0) === 0;
  }

  get text(): string {
    return this.fragment.toString();
  }
}

export { Room };
