// Guards a dependency's private field: WsSocket writes frames to ws's `_socket` (no public
// accessor exists). If a ws release renames it, this fails before fan-out silently breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { frameMessage } from './frames.js';
import * as handleWrite from './handleWrite.js';
import { rawSocketOf, WsSocket } from './WsSocket.js';

test("ws keeps the server-side TCP socket in `_socket`, and frames written there arrive", async () => {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, WebSocket: WsSocket });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  let raw: unknown;
  wss.once('connection', (ws) => {
    raw = rawSocketOf(ws);
    ws.sendEncoded(frameMessage(new Uint8Array([1, 2, 3])));
  });
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const got = new Promise<Buffer>((resolve) => client.once('message', (d: Buffer) => resolve(d)));
  assert.deepEqual([...(await got)], [1, 2, 3]);
  assert.ok(raw instanceof Socket, 'ws._socket is a net.Socket');
  client.close();
  wss.close();
  http.close();
});

test('a WsSocket keeps its listeners in its own `_events` holder, and every event still reaches them', async () => {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, WebSocket: WsSocket });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const seen: string[] = [];
  const closed = new Promise<void>((resolve) => {
    wss.once('connection', (ws: WsSocket) => {
      const events = (ws as unknown as { _events: object })._events;
      for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.equal(inherited in events, false, `inherits ${inherited}`);
      assert.deepEqual(Object.keys(events).sort(), ['close', 'error', 'message', 'ping', 'pong']);
      ws.on('message', (d: Buffer) => seen.push(`message ${d.toString()}`));
      ws.on('pong', () => seen.push('pong'));
      ws.on('close', (code: number) => {
        seen.push(`close ${code}`);
        resolve();
      });
      ws.on('error', () => seen.push('error'));
      ws.on('ping', () => seen.push('ping'));
      ws.on('unexpected-response', () => seen.push('unexpected-response')); // an event it does not declare
      // EventEmitter stored the listeners in the holder (not in an object of its own).
      assert.equal(typeof (events as { message?: unknown }).message, 'function');
      assert.equal(ws.listenerCount('message'), 1);
      assert.equal(ws.listenerCount('open'), 0);
      ws.ping();
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  await new Promise<void>((r) => client.once('open', () => r()));
  client.ping();
  client.send('hello');
  await new Promise((r) => setTimeout(r, 50));
  client.close(4000);
  await closed;
  assert.deepEqual(seen, ['pong', 'ping', 'message hello', 'close 4000']);
  wss.close();
  http.close();
});

/** A WsSocket server and a client of it; `onServer` runs on the server side of the connection. */
async function pair(onServer: (ws: WsSocket) => void): Promise<{ client: WebSocket; done: () => void }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, WebSocket: WsSocket });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  wss.once('connection', onServer);
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  return {
    client,
    done: () => {
      client.terminate();
      wss.close();
      http.close();
    },
  };
}

test('the frames of one turn go out at its end in one socket write, a frame alone in a plain write', async () => {
  const writes: string[] = [];
  let server!: WsSocket;
  const { client, done } = await pair((ws) => {
    server = ws;
    // What the socket's handle is asked to write (by Node's stream or past it): one call, one system call.
    onHandleWrites(ws, (kind, sizes) => writes.push(`${kind} ${sizes.join('+')}`));
  });
  const got: number[][] = [];
  client.on('message', (d: Buffer) => got.push([...d]));
  await new Promise<void>((r) => client.once('open', () => r()));
  await waitUntil(() => server !== undefined);
  const before = server.sent; // the handshake's response
  server.sendEncoded(frameMessage(new Uint8Array([1])));
  server.sendEncoded(frameMessage(new Uint8Array([2, 2])));
  server.sendEncoded(frameMessage(new Uint8Array([3, 3, 3])));
  assert.equal(server.sent - before, 3 + 4 + 5, 'what waits counts as sent (a ping sent now would sit behind it)');
  assert.equal(server.backlog, 0, 'what waits is not a backlog');
  assert.deepEqual(writes, [], 'nothing is written before the end of the turn');
  await new Promise((r) => setImmediate(r));
  server.sendEncoded(frameMessage(new Uint8Array([4])));
  await waitUntil(() => got.length === 4);
  assert.deepEqual(got, [[1], [2, 2], [3, 3, 3], [4]]);
  assert.deepEqual(writes, ['write 12', 'write 3']);
  done();
});

test('what ws writes itself (a message of the connection\'s own, the close frame) goes after the frames waiting for the end of the turn', async () => {
  const { client, done } = await pair((ws) => {
    ws.sendEncoded(frameMessage(new Uint8Array([1])));
    ws.send(new Uint8Array([2]));
    ws.sendEncoded(frameMessage(new Uint8Array([3])));
    ws.close(4000, 'bye');
  });
  const got: number[][] = [];
  client.on('message', (d: Buffer) => got.push([...d]));
  const code = await new Promise<number>((r) => client.once('close', (c: number) => r(c)));
  assert.equal(code, 4000);
  assert.deepEqual(got, [[1], [2], [3]]);
  done();
});

test('peers waiting for different frames in one turn each get their own, those waiting for the same share one joined buffer', async () => {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, WebSocket: WsSocket });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const servers: WsSocket[] = [];
  wss.on('connection', (ws: WsSocket) => servers.push(ws));
  const clients = [0, 1, 2].map(() => new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`));
  const got: number[][][] = clients.map(() => []);
  clients.forEach((c, i) => c.on('message', (d: Buffer) => got[i]!.push([...d])));
  await Promise.all(clients.map((c) => new Promise<void>((r) => c.once('open', () => r()))));
  await waitUntil(() => servers.length === 3);
  const written: Uint8Array[] = [];
  for (const ws of servers) onHandleWrites(ws, (_kind, _sizes, data) => written.push(data));
  const [a, b, c] = [frameMessage(new Uint8Array([1])), frameMessage(new Uint8Array([2])), frameMessage(new Uint8Array([3]))];
  const [s0, s1, s2] = servers as [WsSocket, WsSocket, WsSocket];
  for (const [ws, frames] of [[s0, [a, b]], [s1, [a, c]], [s2, [a, c]]] as const) for (const f of frames) ws.sendEncoded(f);
  await waitUntil(() => got.every((g) => g.length === 2));
  assert.deepEqual(got.map((g) => JSON.stringify(g)).sort(), ['[[1],[2]]', '[[1],[3]]', '[[1],[3]]']);
  assert.equal(written.length, 3, 'one write each');
  assert.notEqual(written[0], written[1], 'different frames, different buffers');
  assert.equal(written[1], written[2], 'the same frames, the same buffer');
  for (const c of clients) c.terminate();
  wss.close();
  http.close();
});

test('a frame goes straight to the socket\'s handle on an idle socket; what libuv cannot write at once counts as backlog, and later writes go behind it', async () => {
  assert.equal(handleWrite.available, true, 'this Node offers the stream_wrap binding (else every frame takes Node\'s stream, at more CPU)');
  let server!: WsSocket;
  const { client, done } = await pair((ws) => {
    server = ws;
  });
  const got: number[] = [];
  client.on('message', (d: Buffer) => got.push(d.length > 1000 ? -1 : d[0]!));
  await new Promise<void>((r) => client.once('open', () => r()));
  await waitUntil(() => server !== undefined);
  const raw = rawSocketOf(server)!;
  const viaStream: number[] = [];
  const streamWrite = raw._write.bind(raw);
  raw._write = (chunk, encoding, cb) => (viaStream.push(chunk.length), streamWrite(chunk, encoding, cb));
  const handleWrites: number[] = [];
  onHandleWrites(server, (_kind, sizes) => handleWrites.push(...sizes));

  server.sendEncoded(frameMessage(new Uint8Array([1])));
  await waitUntil(() => got.length === 1);
  assert.deepEqual(handleWrites, [3]);
  assert.deepEqual(viaStream, [], 'an idle socket: past the stream');

  // The client stops reading: a large frame fills the kernel's buffers and libuv keeps the rest.
  (client as unknown as { _socket: Socket })._socket.pause();
  const big = new Uint8Array(16 * 2 ** 20).fill(7);
  const before = server.sent;
  server.sendEncoded(frameMessage(big));
  await new Promise((r) => setImmediate(r));
  assert.equal(viaStream.length, 0, 'still past the stream');
  assert.ok(server.backlog > 0, `what libuv holds is backlog (${server.backlog})`);
  assert.ok(server.sent - before >= big.length, 'and counts as sent');
  server.sendEncoded(frameMessage(new Uint8Array([3])));
  server.send(new Uint8Array([4]));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(viaStream, [3], 'a socket with a write in libuv: the next frame through the stream, behind it (and ws\'s message in the stream\'s queue)');

  (client as unknown as { _socket: Socket })._socket.resume();
  await waitUntil(() => got.length === 4);
  assert.deepEqual(got, [1, -1, 3, 4], 'in the order sent');
  await waitUntil(() => server.backlog === 0);
  done();
});

/** Reports each write the socket's handle is asked for (a buffer, or several in a writev). */
function onHandleWrites(ws: WsSocket, report: (kind: 'write' | 'writev', sizes: number[], data: Uint8Array) => void): void {
  const handle = (rawSocketOf(ws) as unknown as { _handle: Record<string, (...args: unknown[]) => number> })._handle;
  const writeBuffer = handle.writeBuffer!.bind(handle);
  const writev = handle.writev!.bind(handle);
  handle.writeBuffer = (req, data) => (report('write', [(data as Uint8Array).length], data as Uint8Array), writeBuffer(req, data));
  handle.writev = (req, chunks, allBuffers) => {
    const list = (allBuffers ? chunks : (chunks as unknown[]).filter((_, i) => i % 2 === 0)) as Uint8Array[];
    report('writev', list.map((c) => c.length), list[0]!);
    return writev(req, chunks, allBuffers);
  };
}

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), 'in time');
}
