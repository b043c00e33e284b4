// J's load-generator commands: the large document made once (`jMake`, kept in a file), written
// through a server's normal path (`jSeed`), and a storm of raw clients joining it (`jStorm`).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as Y from 'yjs';
import { RawClient } from '../clients.mjs';
import { LiteSocket } from '../liteSocket.mjs';
import * as wire from '../wire.mjs';
import { traceDocUpdates } from '../trace.mjs';
import { nowMs, sleep, withTimeout } from '../util.mjs';

/** The file: 4-byte big-endian length, then the update, for every update. */
function readUpdates(path) {
  const buf = readFileSync(path);
  const out = [];
  for (let at = 0; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    out.push(buf.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/** Whether an update (a sync step 2) holds every pass whole: its state vector is `clocks`. */
function holdsAll(update, clocks) {
  const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
  return clocks.every(([client, clock]) => sv.get(client) === clock);
}

/**
 * A joiner on a LiteSocket: it sends its sync step 1, answers the server's, and is synced when
 * the last byte of the server's sync step 2 is in. Only the head of each message is read (ws
 * would copy 150 × 20 MB into Buffers of its own on the generator's one core); `keep`: the step 2
 * is kept whole, to check it.
 */
function join(proto, url, name, keep) {
  let socket;
  const synced = new Promise((resolve, reject) => {
    let head;
    socket = new LiteSocket(proto === 'hocus' ? url : `${url}/${encodeURIComponent(name)}`, {
      onOpen: () => {
        if (proto === 'hocus') socket.send(wire.authMsg(proto, name));
        socket.send(wire.step1Msg(proto, name));
      },
      onHead: (bytes, at) => {
        head = wire.parseHead(proto, bytes, at);
        return keep && head.type === wire.MSG_SYNC && head.sub === wire.SYNC_STEP2;
      },
      onMessage: (length, whole) => {
        if (head.type !== wire.MSG_SYNC) return;
        if (head.sub === wire.SYNC_STEP1) socket.send(wire.step2Msg(proto, name));
        else if (head.sub === wire.SYNC_STEP2) resolve({ bytes: length, update: whole && wire.parse(proto, whole).payload });
      },
      onClose: (code) => reject(new Error(`closed ${code} before sync`)),
    });
  });
  synced.catch(() => {});
  return { socket, synced };
}

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  return {
    /** Makes the document of `bytes` once and keeps it in `path` (a cache across runs). */
    jMake({ bytes, path }) {
      const meta = `${path}.json`;
      if (!existsSync(path) || !existsSync(meta)) {
        const { updates, clocks, chars } = traceDocUpdates(bytes);
        mkdirSync(dirname(path), { recursive: true });
        const parts = updates.flatMap((u) => {
          const len = Buffer.alloc(4);
          len.writeUInt32BE(u.length);
          return [len, u];
        });
        writeFileSync(path, Buffer.concat(parts));
        writeFileSync(meta, JSON.stringify({ clocks, chars }));
      }
      const { clocks, chars } = JSON.parse(readFileSync(meta, 'utf8'));
      const updates = readUpdates(path);
      return { clocks, chars, updates: updates.length, bytes: updates.reduce((n, u) => n + u.length, 0) };
    },

    /**
     * Sends every update through one raw client, then opens a fresh client (Tandem answers a
     * document over MAX_BUFFERED_BYTES only as a connection's first sync) until the document is
     * all there; `keep`: the writing client stays connected (an in-memory peer keeps the document
     * only while someone has it open).
     */
    async jSeed({ proto, url, name, path, clocks, keep = false }) {
      const r = held.raw(new RawClient(proto, url, name));
      await withTimeout(r.synced, 30000, 'seeding client sync');
      for (const u of readUpdates(path)) r.sendUpdate(u);
      const t = Date.now();
      for (;;) {
        let step2 = null;
        const check = new RawClient(proto, url, name, { onUpdate: (u, isStep2) => { if (isStep2) step2 = u; } });
        // a check the server cut (Tandem before issue 28 could, for a large first sync) is tried again
        await withTimeout(check.synced, 120000, 'checking client sync').catch(() => {}).finally(() => check.close());
        if (r.closed) throw new Error(`seeding client closed (${r.closeCode})`);
        if (step2 && holdsAll(step2, clocks)) break;
        if (Date.now() - t > 120000) throw new Error('the server does not hold the whole document after 120 s');
        await sleep(500);
      }
      if (!keep) r.close();
      return { ms: Date.now() - t };
    },

    /**
     * `count` joiners (`join`) at once; each is timed from its TCP connect to the last byte of
     * the sync step 2 (not decoded: 150 decodes of 20 MB would be the generator's time, not the
     * server's). The first `verify` of them check, untimed, that it holds every pass.
     */
    async jStorm({ proto, url, name, count, clocks, verify = 0, timeoutMs }) {
      const t0 = nowMs();
      // This process's own CPU during the storm: where the time goes when the server idles.
      const cpu0 = process.cpuUsage();
      const results = await Promise.all(Array.from({ length: count }, async (_, i) => {
        const start = nowMs();
        const joiner = join(proto, url, name, i < verify);
        try {
          const { bytes, update } = await withTimeout(joiner.synced, Math.max(0, timeoutMs - (nowMs() - t0)), 'join');
          return { ms: nowMs() - start, bytes, update };
        } catch (err) {
          return { ms: null, error: String(err.message ?? err).slice(0, 80), closeCode: joiner.socket.closeCode ?? null };
        } finally {
          joiner.socket.terminate();
        }
      }));
      const { user, system } = process.cpuUsage(cpu0);
      if (results[0]) results[0].genCpuMs = (user + system) / 1000;
      // checked once every client is in, so that no join waits behind a check
      for (const r of results) {
        if (r.update) r.ok = holdsAll(r.update, clocks);
        delete r.update;
      }
      return results;
    },
  };
}
