// Guards a dependency's private field: WsSocket writes frames to ws's `_socket` (no public
// accessor exists). If a ws release renames it, this fails before fan-out silently breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { frameMessage } from './frames.js';
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
