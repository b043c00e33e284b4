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
