import type { Socket } from 'node:net';

/**
 * Writes a buffer straight to a TCP socket's libuv handle, past Node's Writable stream: the
 * fan-out's one write per peer per turn (WsSocket). Node's `socket.write` runs the stream's
 * machinery around that same handle call (its state, a callback, a request object per write);
 * bench P at N = 1,000 writes ~50,000 times a second, and there the machinery was ~9 % of the
 * server's samples (`perf`, 2026-12-05 17:25). Server CPU in P at N = 1,000, runs alternating in
 * the same minutes (this machine's speed drifts by a third within an hour): 17:33–17:37, through
 * the stream 43, 44, 41, 61, 45 % against straight 41, 38, 42, 42, 40 %; 17:49–17:51, 52, 52, 45,
 * 52 % against 48, 50, 50, 45 %. `node bench/src/floor.mjs --peers=1000 --hz=50 --bytes=40`:
 * 7.96 against 6.80 µs a write (medians of 3); at 100 peers 9.7 against 8.1.
 *
 * Node's own path is kept whenever it has something of its own: a write it still holds (its
 * stream's queue, or bytes libuv has not taken yet) goes first, so this path is taken only on an
 * idle socket, and order holds (libuv writes its queue in order). What libuv takes but cannot
 * write at once stays queued there; the socket's `StraightWrites` counts it until it is written
 * (the stream does not know of it). A failed write destroys the socket, as Node does (ws then sees it close).
 *
 * The handle's write and its request class are Node's internal `stream_wrap` binding
 * (`process.binding`: deprecated, yet offered by Node 20, which this project runs on, without a
 * warning; it throws under the permission model). Where it is missing, `available` is false and
 * every write takes `socket.write`: `transport/WsSocket.test.ts` fails then, so the change is
 * noticed rather than costing CPU silently.
 */

interface WriteRequest {
  oncomplete: (this: WriteRequest, status: number) => void;
  buffer?: Uint8Array | undefined;
  socket?: Socket | undefined;
  counter?: StraightWrites | undefined;
  bytes?: number;
}

/**
 * Where a socket's straight writes that libuv still holds are counted (WsSocket keeps it as a
 * field of its own: a read per peer per broadcast, where a WeakMap keyed by socket cost a lookup).
 */
export interface StraightWrites {
  /** Bytes written straight to the handle that libuv has queued and not yet written. */
  straightQueued: number;
}

interface StreamHandle {
  writeBuffer(req: WriteRequest, data: Uint8Array): number;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteRequest;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

function loadBinding(): StreamWrapBinding | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding('stream_wrap');
    if (typeof binding.WriteWrap !== 'function' || !binding.streamBaseState || typeof binding.kLastWriteWasAsync !== 'number') return undefined;
    return binding as StreamWrapBinding;
  } catch {
    return undefined;
  }
}

const binding = loadBinding();

/** Whether writes can go straight to the handle on this Node (else `write` is `socket.write`). */
export const available = binding !== undefined;

/**
 * A request for writes that complete at once (Node binds no native object to it then, and
 * nothing is reported): one serves them all, and a write that libuv queues keeps it, a fresh one
 * taking its place. It holds nothing of a socket between writes.
 */
let shared: WriteRequest | undefined;

function freshRequest(binding: StreamWrapBinding): WriteRequest {
  const req = new binding.WriteWrap();
  req.oncomplete = onQueuedWriteDone;
  return req;
}

function onQueuedWriteDone(this: WriteRequest, status: number): void {
  const socket = this.socket!;
  this.counter!.straightQueued -= this.bytes!;
  this.buffer = undefined;
  this.socket = undefined;
  this.counter = undefined;
  if (status < 0) socket.destroy();
}

/**
 * Writes `data` to `socket`: straight to its handle when it is idle, else through its stream.
 * Idle: nothing of Node's stream waits or is in libuv (`writableLength` counts a write until it
 * completes) and nothing of ours is in libuv (`counter`); that is all libuv's queue can hold.
 */
export function write(socket: Socket, data: Uint8Array, counter: StraightWrites): void {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (!binding || !handle || typeof handle.writeBuffer !== 'function' || counter.straightQueued !== 0 || socket.writableLength !== 0 || !socket.writable) {
    socket.write(data);
    return;
  }
  const req = (shared ??= freshRequest(binding));
  const err = handle.writeBuffer(req, data);
  if (err !== 0) {
    socket.destroy();
    return;
  }
  if (binding.streamBaseState[binding.kLastWriteWasAsync]) {
    // libuv holds the rest of `data` and reports when it is written: keep the bytes alive and counted.
    req.buffer = data;
    req.socket = socket;
    req.counter = counter;
    req.bytes = data.length;
    counter.straightQueued += data.length;
    shared = undefined;
  }
}
