#!/usr/bin/env node
// The floor of scenario A's "server CPU per delivery": what it costs Node just to write one
// small frame to each of 199 loopback sockets, 250 times a second (A at N = 200), with nothing
// else to do: no Yjs, no storage, no protocol. `node bench/src/floor.mjs` prints server CPU µs per
// delivery for three ways of writing:
//   net write  — socket.write(frame) per peer (the least a Node server can do per delivery);
//   net cork   — cork, write, uncork at the end of the tick (Tandem's fan-out path before 2026-12-05);
//   handle     — the socket's handle written past Node's stream (Tandem's fan-out path since then:
//                server/src/transport/handleWrite.ts; needs `npm run build`);
//   ws send    — ws's WebSocket#send per peer (the y-websocket server's and Hocuspocus' path).
// The server is a child process pinned to core 0 (as the harness pins every server); the 200
// readers are this process, on core 1. Figures, not assertions.
// Other shapes: `--peers=1000 --hz=20 --bytes=12429` is P's presence ticks at N = 1,000 (a tick's
// frame of 50 states); `--bytes=` shows what the size of a write adds to its cost.
import { fork, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket } from 'ws';
import { write as handleWrite } from '../../server/dist/transport/handleWrite.js';

const opt = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const PEERS = opt('peers', 200);
const HZ = opt('hz', 250); // 5 writers at 50 Hz
const SECONDS = 3;
const FRAME = Buffer.alloc(opt('bytes', 30), 1); // a one-character Yjs update as a WebSocket frame is ~25-35 bytes

if (process.argv[2] === 'server') {
  const mode = process.argv[3];
  const sockets = [];
  let listening;
  if (mode === 'ws send') {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, clientTracking: false });
    wss.on('connection', (ws) => sockets.push(ws));
    listening = new Promise((r) => wss.on('listening', () => r(wss.address().port)));
  } else {
    const server = createServer((s) => sockets.push(s));
    listening = new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
  }
  process.send({ port: await listening });
  process.on('message', async () => {
    const payload = FRAME.subarray(2); // ws adds its own 2-byte header
    const send = {
      'net write': () => {
        for (let i = 1; i < sockets.length; i++) sockets[i].write(FRAME);
      },
      handle: () => {
        // Each socket counts its own writes that libuv still holds, as WsSocket does (its `straightQueued`).
        for (let i = 1; i < sockets.length; i++) handleWrite(sockets[i], FRAME, (sockets[i].straight ??= { straightQueued: 0 }));
      },
      'net cork': () => {
        for (let i = 1; i < sockets.length; i++) {
          const s = sockets[i];
          if (s.writableCorked === 0) {
            s.cork();
            process.nextTick(() => s.uncork());
          }
          s.write(FRAME);
        }
      },
      'ws send': () => {
        for (let i = 1; i < sockets.length; i++) sockets[i].send(payload);
      },
    }[mode];
    const cpu0 = process.cpuUsage();
    let ticks = 0;
    const timer = setInterval(() => {
      send();
      ticks++;
    }, 1000 / HZ);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(timer);
    const cpu = process.cpuUsage(cpu0);
    const deliveries = ticks * (sockets.length - 1);
    process.send({ deliveries, usPerDelivery: (cpu.user + cpu.system) / deliveries, userShare: cpu.user / (cpu.user + cpu.system) });
  });
} else {
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // placement only
  }
  const results = {};
  for (let round = 0; round < 3; round++) {
    for (const mode of ['net write', 'net cork', 'handle', 'ws send']) {
      const child = fork(fileURLToPath(import.meta.url), ['server', mode, ...process.argv.slice(2)], { stdio: 'inherit' });
      execFileSync('taskset', ['-cp', '0', String(child.pid)], { stdio: 'ignore' });
      const { port } = await new Promise((r) => child.once('message', r));
      const readers = [];
      for (let i = 0; i < PEERS; i++) {
        const c = mode === 'ws send' ? new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false }) : connect(port, '127.0.0.1');
        await new Promise((r) => c.once(mode === 'ws send' ? 'open' : 'connect', r));
        if (mode !== 'ws send') c.on('data', () => {});
        readers.push(c);
      }
      await new Promise((r) => setTimeout(r, 300));
      child.send('go');
      const r = await new Promise((res) => child.once('message', res));
      (results[mode] ??= []).push(r.usPerDelivery);
      for (const c of readers) (c.terminate ?? c.destroy).call(c);
      child.kill();
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [mode, xs] of Object.entries(results)) {
    console.log(`${PEERS} peers × ${HZ}/s × ${FRAME.length} B, ${mode.padEnd(10)} server CPU µs per delivery: median ${median(xs).toFixed(2)} (runs ${xs.map((x) => x.toFixed(2)).join(', ')}) = ${median(xs).toFixed(2)} ms per 1,000`);
  }
}
