// The floor: the least a y-websocket relay can do on this machine, to set the servers' figures
// against. No Y.Doc, no disk, no checks. Each document keeps the updates it was sent, and a
// joiner's sync step 1 is answered with them merged (Y.mergeUpdates, once per change); every
// update and awareness message is framed once and written to each other socket (awareness to
// the sender too, as y-websocket does) straight on the TCP socket: one write per peer per
// message, the physical floor of a relay that delivers each message at once.
import http from 'node:http';
import { WebSocketServer, Sender } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

const rooms = new Map();
const room = (name) => {
  let r = rooms.get(name);
  if (!r) rooms.set(name, (r = { conns: new Set(), updates: [], merged: null }));
  return r;
};

/** One WebSocket binary frame holding `data`, written as is to every target. */
function broadcast(targets, data) {
  const frame = Buffer.concat(Sender.frame(data, { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: true }));
  for (const ws of targets) ws._socket.write(frame);
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const r = room(decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1)));
  r.conns.add(ws);
  ws.on('close', () => r.conns.delete(ws));
  ws.on('message', (data) => {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type === 1) return broadcast(r.conns, data);
    if (type !== 0) return;
    const sub = decoding.readVarUint(d);
    if (sub === 0) {
      r.merged ??= r.updates.length ? Y.mergeUpdates(r.updates) : new Uint8Array([0, 0]);
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, r.merged);
      ws.send(encoding.toUint8Array(e));
      return;
    }
    const update = decoding.readVarUint8Array(d);
    r.updates.push(update);
    r.merged = null;
    const others = [...r.conns].filter((c) => c !== ws);
    if (sub === 2) return broadcast(others, data);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, update);
    broadcast(others, encoding.toUint8Array(e));
  });
});
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
