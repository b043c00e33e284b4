// A's load-generator commands (F uses them too): light receivers and real providers on one
// document, writers typing at a fixed rate, and the send and receive time of every keystroke
// (the harness side, waiting for them and turning them into latencies, is ../latency.mjs).
// State per `key` (one per server under test, as A has all its servers up at once).
import * as Y from 'yjs';
import { openProvider } from '../clients.mjs';
import { recordKeys } from '../latency.mjs';
import { nowMs, pool, sleep, withTimeout } from '../util.mjs';

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  const runs = new Map();
  held.onClose(() => runs.clear());

  return {
    /** Opens `light` raw clients, then `real` providers (the last `writers` of them type). */
    async aSetup({ key = '', proto, url, name, light, real, writers, maxKeys }) {
      const lights = await pool(Array.from({ length: light }, (_, i) => i), 50, async () => {
        const r = held.light(proto, url, name, { clientID: (Math.random() * 2 ** 31) >>> 0, awareness: { user: { name: 'bench' } } });
        await withTimeout(r.synced, 15000, 'light client sync');
        return r;
      });
      const reals = [];
      for (let i = 0; i < real; i++) {
        const doc = new Y.Doc();
        const p = held.provider(openProvider(proto, url, name, doc));
        reals.push({ doc, p, writer: i >= real - writers });
      }
      await withTimeout(Promise.all(reals.map((r) => r.p.synced)), 20000, 'provider sync');
      const prev = runs.get(key);
      if (prev) {
        prev.reals.push(...reals);
        prev.lights.push(...lights);
      } else runs.set(key, { reals, lights, maxKeys, sendT: new Map(), recvT: [] });
      return reals.filter((r) => r.writer).map((r) => r.doc.clientID);
    },

    /** Starts recording receipts of the writers' keystrokes. */
    aArm({ key = '', writerIds }) {
      const A = runs.get(key);
      if (!A) return false;
      A.writerIds = writerIds;
      A.recvT = [];
      for (const r of A.reals) {
        r.recorder?.stop(); // one recorder per run
        r.recorder = recordKeys(r.doc, writerIds, A.maxKeys);
        A.recvT.push(r.recorder.receipts);
      }
      for (const l of A.lights) {
        l.msgs = 0;
        l.bytes = 0;
      }
      return true;
    },

    /** Writers type one character each at `hz` for `durationMs` (random positions). */
    async aType({ key = '', hz, durationMs }) {
      const A = runs.get(key);
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
      const A = runs.get(key);
      for (const e of A?.recvT ?? []) {
        A.writerIds.forEach((wid, k) => {
          if (wid !== e.self) missing += Math.max(0, counts[wid] - (e.seen[k] - e.base[k]));
        });
      }
      return missing;
    },

    aSendTimes({ key = '' } = {}) {
      const out = {};
      for (const [id, v] of runs.get(key).sendT) out[id] = v;
      return out;
    },

    aRecvTimes({ key = '' } = {}) {
      const A = runs.get(key);
      if (!A) return { recv: [], light: [] };
      return {
        recv: A.recvT,
        light: A.lights.map((l) => ({ msgs: l.msgs, bytes: l.bytes })),
      };
    },
  };
}
