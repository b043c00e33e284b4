// A load-generator process (pinned to core 1 by the harness). Receives commands over IPC
// and answers { id, ok, result | error }. State lives in `S` between commands.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { openProvider, RawClient, clockOf } from './clients.mjs';
import { appendCharUpdate } from './wire.mjs';
import { nowMs, sleep } from './util.mjs';
import { soakCommands } from './soak.mjs';

function readTrace(tracePath) {
  return JSON.parse(gunzipSync(readFileSync(tracePath)).toString());
}

/** The trace's edits ([pos, deleted, inserted]), at most `limit`. */
function traceEdits(trace, limit) {
  const edits = [];
  for (const txn of trace.txns) for (const patch of txn.patches) if (edits.length < limit) edits.push(patch);
  return edits;
}

/** Applies edits [from, from + batch) as one transaction (one Yjs update). */
function applyEdits(doc, text, edits, from, batch) {
  doc.transact(() => {
    for (let j = from; j < Math.min(edits.length, from + batch); j++) {
      const [pos, del, ins] = edits[j];
      if (del) text.delete(pos, del);
      if (ins) text.insert(pos, ins);
    }
  });
}

// y-websocket's WebsocketProvider adds a process 'exit' listener each; a worker holds dozens.
process.setMaxListeners(0);

const S = { providers: [], raws: [], elu: null, batched: new Set(), A: new Map() };

// Light clients that only need to receive (A's bulk receivers, B's idle sockets) read in
// batches: paused, and resumed for a moment every 100–1000 ms. The server's writes land in the
// kernel's socket buffers either way (a few KB here, far below their size), so the server
// does exactly the same work, while the generator pays one read per socket per period
// instead of one per message: that is what keeps 200 receivers on one core.
// The period adapts to the number of paused sockets (each resume/pause costs a few µs):
// 100 ms for A's 200 receivers, ~1 s for B's 3,334 idle sockets per worker.
function tickBatches() {
  const period = Math.min(1000, Math.max(100, S.batched.size / 3));
  setTimeout(() => {
    for (const r of S.batched) r.ws.resume();
    setTimeout(() => {
      for (const r of S.batched) r.ws.pause();
      tickBatches();
    }, 3);
  }, period).unref();
}
tickBatches();

function batchReads(r) {
  r.synced.then(() => {
    if (!r.closed) {
      r.ws.pause();
      S.batched.add(r);
    }
  }, () => {});
}

async function pool(items, limit, fn) {
  let i = 0;
  const out = new Array(items.length);
  const run = async () => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k], k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

function withTimeout(p, ms, what) {
  return Promise.race([p, sleep(ms).then(() => { throw new Error(`timeout: ${what}`); })]);
}

const commands = {
  ping: () => process.pid,

  // ---- G: soak (users in ./soak.mjs) --------------------------------------------------
  ...soakCommands(),

  eluStart() {
    S.elu = performance.eventLoopUtilization();
    return true;
  },
  eluStop() {
    return performance.eventLoopUtilization(S.elu).utilization;
  },

  async closeAll() {
    for (const p of S.providers) p.destroy();
    for (const r of S.raws) r.close();
    S.providers = [];
    S.raws = [];
    S.batched.clear();
    S.A.clear();
    return true;
  },

  // ---- A: fan-out -------------------------------------------------------------------
  /** Opens `light` raw clients, then `real` providers (the last `writers` of them type). */
  async aSetup({ key = '', proto, url, name, light, real, writers, maxKeys }) {
    const lights = await pool(Array.from({ length: light }, (_, i) => i), 50, async () => {
      const r = new RawClient(proto, url, name, { clientID: (Math.random() * 2 ** 31) >>> 0, awareness: { user: { name: 'bench' } } });
      S.raws.push(r);
      batchReads(r);
      await withTimeout(r.synced, 15000, 'light client sync');
      return r;
    });
    const reals = [];
    for (let i = 0; i < real; i++) {
      const doc = new Y.Doc();
      const p = openProvider(proto, url, name, doc);
      S.providers.push(p);
      reals.push({ doc, p, writer: i >= real - writers });
    }
    await withTimeout(Promise.all(reals.map((r) => r.p.synced)), 20000, 'provider sync');
    const prev = S.A.get(key);
    if (prev) {
      prev.reals.push(...reals);
      prev.lights.push(...lights);
    } else S.A.set(key, { reals, lights, maxKeys, sendT: new Map(), recvT: [] });
    return reals.filter((r) => r.writer).map((r) => r.doc.clientID);
  },

  /** Starts recording receipts of the writers' keystrokes. */
  aArm({ key = '', writerIds }) {
    const A = S.A.get(key);
    if (!A) return false;
    A.writerIds = writerIds;
    A.recvT = [];
    for (const r of A.reals) {
      if (r.onUpdate) r.doc.off('update', r.onUpdate); // one recorder per run
      const idx = new Map(writerIds.map((id, k) => [id, k]));
      const seen = new Int32Array(writerIds.length);
      const recv = writerIds.map(() => new Float64Array(A.maxKeys));
      for (let k = 0; k < writerIds.length; k++) seen[k] = Y.getState(r.doc.store, writerIds[k]);
      const base = Int32Array.from(seen);
      r.onUpdate = (u, origin) => {
        if (origin === null) return; // local change
        const t = nowMs();
        const meta = Y.parseUpdateMeta(u);
        for (const [client, to] of meta.to) {
          const k = idx.get(client);
          if (k === undefined || client === r.doc.clientID) continue;
          for (let c = seen[k]; c < to; c++) if (c - base[k] < A.maxKeys) recv[k][c - base[k]] = t;
          if (to > seen[k]) seen[k] = to;
        }
      };
      r.doc.on('update', r.onUpdate);
      A.recvT.push({ self: r.doc.clientID, recv, base, seen });
    }
    for (const l of A.lights) {
      l.msgs = 0;
      l.bytes = 0;
    }
    return true;
  },

  /** Writers type one character each at `hz` for `durationMs` (random positions). */
  async aType({ key = '', hz, durationMs }) {
    const A = S.A.get(key);
    const writers = A.reals.filter((r) => r.writer);
    const period = 1000 / hz;
    const t0 = nowMs();
    await Promise.all(writers.map(async (w, wi) => {
      const text = w.doc.getText('t');
      const base = Y.getState(w.doc.store, w.doc.clientID);
      const send = new Float64Array(A.maxKeys);
      A.sendT.set(w.doc.clientID, { send, base });
      let n = 0;
      let next = t0 + (period * wi) / writers.length;
      while (nowMs() - t0 < durationMs && n < A.maxKeys) {
        const wait = next - nowMs();
        if (wait > 0) await sleep(wait);
        const clock = Y.getState(w.doc.store, w.doc.clientID);
        send[clock - base] = nowMs();
        text.insert(Math.floor(Math.random() * (text.length + 1)), 'x');
        n++;
        next += period;
      }
    }));
    return { ms: nowMs() - t0 };
  },

  /** Keystrokes not yet received, given how many each writer sent ({ writerId: count }). */
  aMissing({ key = '', counts }) {
    let missing = 0;
    const A = S.A.get(key);
    for (const e of A?.recvT ?? []) {
      A.writerIds.forEach((wid, k) => {
        if (wid !== e.self) missing += Math.max(0, counts[wid] - (e.seen[k] - e.base[k]));
      });
    }
    return missing;
  },

  aSendTimes({ key = '' } = {}) {
    const out = {};
    for (const [id, v] of S.A.get(key).sendT) out[id] = v;
    return out;
  },

  aRecvTimes({ key = '' } = {}) {
    const A = S.A.get(key);
    if (!A) return { recv: [], light: [] };
    return {
      recv: A.recvT,
      light: A.lights.map((l) => ({ msgs: l.msgs, bytes: l.bytes })),
    };
  },

  // ---- B: idle connections ------------------------------------------------------------
  async bOpen({ proto, url, names, concurrency = 64 }) {
    const t0 = nowMs();
    let failed = 0;
    await pool(names, concurrency, async (name) => {
      const r = new RawClient(proto, url, name, {
        clientID: (Math.random() * 2 ** 31) >>> 0,
        awareness: { user: { name: `User ${S.raws.length}`, color: '#3366ff' }, cursor: null },
        // Hocuspocus closes a connection that sent nothing for 60 s; a real client renews its
        // awareness every 15 s. Only Hocuspocus gets this (cheap) keep-alive: a sync step 1.
        keepAliveMs: proto === 'hocus' ? 20000 : 0,
      });
      S.raws.push(r);
      batchReads(r);
      try {
        await withTimeout(r.synced, 30000, 'idle client sync');
      } catch {
        failed++;
      }
    });
    return { ms: nowMs() - t0, failed, open: S.raws.filter((r) => !r.closed).length };
  },

  bAlive() {
    return S.raws.filter((r) => !r.closed).length;
  },

  // ---- C/E: documents through a real provider ---------------------------------------
  /** Replays the trace into Y.Text 't' through a real provider, `batch` edits per update. */
  /**
   * Warms up the measuring client's Yjs code (decoding a whole ~300 KB document, reading its
   * text) so that the first server measured does not pay the client's JIT warm-up.
   */
  async cWarm({ tracePath, batch, limit = Infinity }) {
    const edits = traceEdits(readTrace(tracePath), limit);
    const doc = new Y.Doc();
    const text = doc.getText('t');
    for (let i = 0; i < edits.length; i += batch) applyEdits(doc, text, edits, i, batch);
    const state = Y.encodeStateAsUpdate(doc);
    let chars = 0;
    for (let i = 0; i < 5; i++) {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, state);
      chars += copy.getText('t').toString().length;
      copy.destroy();
    }
    doc.destroy();
    return { chars };
  },

  async cWrite({ proto, url, name, tracePath, batch, limit = Infinity }) {
    const trace = readTrace(tracePath);
    const edits = traceEdits(trace, limit);
    const doc = new Y.Doc();
    const p = openProvider(proto, url, name, doc);
    S.providers.push(p);
    await withTimeout(p.synced, 15000, 'writer sync');
    const text = doc.getText('t');
    let updates = 0;
    doc.on('update', () => updates++);
    const t0 = nowMs();
    for (let i = 0; i < edits.length; i += batch) {
      applyEdits(doc, text, edits, i, batch);
      if (i % (batch * 256) === 0) await new Promise((r) => setImmediate(r));
    }
    const final = text.toString();
    const ok = limit < Infinity || final === trace.endContent;
    return { ok, final, updates, edits: edits.length, ms: nowMs() - t0, encodedBytes: Y.encodeStateAsUpdate(doc).length };
  },

  /** Writes `count` inserts of `chunk` chars at random positions (E: a large document). */
  async eWriteBig({ proto, url, name, count, chunk }) {
    const doc = new Y.Doc();
    const p = openProvider(proto, url, name, doc);
    S.providers.push(p);
    await withTimeout(p.synced, 15000, 'writer sync');
    const text = doc.getText('t');
    // random letters and spaces: LevelDB's Snappy compression must not flatter anyone
    const randomText = () => Array.from({ length: chunk }, () => (Math.random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(Math.random() * 26)))).join('');
    for (let i = 0; i < count; i++) {
      text.insert(Math.floor(Math.random() * (text.length + 1)), randomText());
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    return { length: text.length, encodedBytes: Y.encodeStateAsUpdate(doc).length };
  },

  /**
   * Connects a fresh real provider and times until Y.Text 't' has `expectLen` chars
   * (and equals `expected` when given); reports what the first sync held.
   */
  async cLoad({ proto, url, name, expectLen, expected, timeoutMs = 60000, settleMs = 3000, keep = false }) {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    const t0 = nowMs();
    const p = openProvider(proto, url, name, doc);
    let firstSyncLen = null;
    let firstSyncMs = null;
    p.synced.then(() => {
      firstSyncLen = text.length;
      firstSyncMs = nowMs() - t0;
    });
    const matches = () => text.length === expectLen && (expected === undefined || text.toString() === expected);
    let ms = null;
    const end = t0 + timeoutMs;
    let lastLen = -1;
    let lastChange = nowMs();
    while (nowMs() < end) {
      if (firstSyncLen !== null && matches()) {
        ms = nowMs() - t0;
        break;
      }
      if (text.length !== lastLen) {
        lastLen = text.length;
        lastChange = nowMs();
      } else if (firstSyncLen !== null && nowMs() - lastChange > settleMs) {
        break; // synced and nothing changed for settleMs: what we have is all the server has
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const finalLen = text.length;
    const result = { ms, firstSyncMs, firstSyncLen, finalLen, complete: ms !== null, firstSyncComplete: firstSyncLen === expectLen };
    if (expected !== undefined && ms === null) {
      // count characters missing vs the expected text (cheap: length difference) for the report
      result.missingChars = expectLen - finalLen;
    }
    if (keep) S.providers.push(p);
    else p.destroy();
    return result;
  },

  // ---- D: durable throughput ----------------------------------------------------------
  /**
   * For each document: an observer (raw) and a writer (raw, hand-encoded 1-char updates,
   * at most `window` sent but not yet seen by the observer). Runs `durationMs`. The observer
   * connects to `obsUrl` (another instance, for F) when given.
   */
  async dSetup({ proto, url, obsUrl = url, names }) {
    S.d = await pool(names, 32, async (name) => {
      const client = 1 + ((Math.random() * 2 ** 30) >>> 0);
      const pair = { name, client, sent: 0, seen: 0 };
      pair.obs = new RawClient(proto, obsUrl, name, {
        onUpdate: (u) => {
          const c = clockOf(u, client);
          if (c > pair.seen) {
            pair.seen = c;
            pair.pump?.();
          }
        },
      });
      pair.w = new RawClient(proto, url, name, {});
      S.raws.push(pair.obs, pair.w);
      await withTimeout(Promise.all([pair.obs.synced, pair.w.synced]), 20000, 'd sync');
      return pair;
    });
    return true;
  },

  async dGo({ window, durationMs }) {
    const pairs = S.d;
    let running = true;
    const t0 = nowMs();
    // Refills wait for the end of the I/O phase, so that everything the observers read in it
    // is counted first and each writer sends its refill in one socket write (the messages stay
    // separate frames): the generator, not the server, would otherwise pay a syscall per update.
    const due = new Set();
    let scheduled = false;
    const refill = () => {
      scheduled = false;
      for (const p of due) {
        const socket = p.w.ws._socket;
        socket?.cork();
        while (running && !p.w.closed && p.sent - p.seen < window) {
          p.w.sendUpdate(appendCharUpdate(p.client, p.sent));
          p.sent++;
        }
        socket?.uncork();
      }
      due.clear();
    };
    for (const p of pairs) {
      p.pump = () => {
        due.add(p);
        if (!scheduled) {
          scheduled = true;
          setImmediate(refill);
        }
      };
      p.pump();
    }
    await sleep(durationMs);
    running = false;
    const ms = nowMs() - t0;
    const seenTotal = pairs.reduce((a, p) => a + p.seen, 0);
    return {
      ms,
      seenTotal,
      perDoc: pairs.map((p) => ({ name: p.name, client: p.client, sent: p.sent, seen: p.seen })),
      closed: pairs.filter((p) => p.obs.closed || p.w.closed).length,
    };
  },

  /** After a restart: how much of each writer's sequence the server restored. */
  async dVerify({ proto, url, perDoc, settleMs = 1500 }) {
    const out = await pool(perDoc, 32, async ({ name, client }) => {
      let restored = 0;
      const r = new RawClient(proto, url, name, { onUpdate: (u) => { restored = Math.max(restored, clockOf(u, client)); } });
      S.raws.push(r);
      await withTimeout(r.synced, 20000, 'verify sync');
      // y-websocket answers the first sync before its persisted state is loaded and sends
      // that state later as an update: give every server the same time to deliver it
      await sleep(settleMs);
      r.close();
      return restored;
    });
    return out;
  },

  // ---- E: many small documents --------------------------------------------------------
  /** Writes one small update (a ~1 KB text) into each document and checks the server has it. */
  async eWriteSmall({ proto, url, names, chars }) {
    // a different random text per document, so that LevelDB's Snappy compression (which
    // works across neighbouring keys) flatters no one
    const randomText = () => Array.from({ length: chars }, () => (Math.random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(Math.random() * 26)))).join('');
    let encoded = 0;
    await pool(names, 32, async (name) => {
      const doc = new Y.Doc();
      doc.getText('t').insert(0, randomText());
      const update = Y.encodeStateAsUpdate(doc);
      encoded += update.length;
      const client = doc.clientID;
      let has = 0;
      const r = new RawClient(proto, url, name, { onUpdate: (u) => { has = Math.max(has, clockOf(u, client)); } });
      await withTimeout(r.synced, 20000, 'small doc sync');
      r.sendUpdate(update);
      for (let i = 0; i < 500 && has < chars; i++) {
        await sleep(10);
        r.requestSync();
      }
      r.close();
      if (has < chars) throw new Error(`server does not hold ${name}`);
    });
    return encoded;
  },

  /** Opens each document with one raw client (kept open) and checks its size; per-doc times. */
  async eOpenMany({ proto, url, names, expectClockMin }) {
    const times = [];
    let short = 0;
    const t0 = nowMs();
    await pool(names, 16, async (name) => {
      const t = nowMs();
      let len = 0;
      const r = new RawClient(proto, url, name, {
        onUpdate: (u, isStep2) => {
          if (isStep2) for (const v of Y.parseUpdateMeta(u).to.values()) len += v;
        },
      });
      S.raws.push(r);
      await withTimeout(r.synced, 30000, 'open sync');
      times.push(nowMs() - t);
      if (len < expectClockMin) short++;
    });
    return { ms: nowMs() - t0, times, short };
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const result = await commands[cmd](args ?? {});
    process.send({ id, ok: true, result });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
// HocuspocusProvider.destroy() on a socket that is still connecting makes `ws` emit an
// 'error' nobody listens to; that must not take the load generator down. Anything else does.
process.on('uncaughtException', (err) => {
  if (String(err?.message).includes('WebSocket was closed before the connection was established')) return;
  console.error(err);
  process.exit(1);
});
