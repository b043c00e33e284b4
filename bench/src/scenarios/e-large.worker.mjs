// E's load-generator commands: one large document written through a real provider, many small
// ones written and opened by raw clients (E times the large one's load with C's `cLoad`).
import * as Y from 'yjs';
import { RawClient, clockOf } from '../clients.mjs';
import { nowMs, pool, sleep, withTimeout } from '../util.mjs';

/** `n` random letters and spaces: LevelDB's Snappy compression must not flatter anyone. */
function randomText(n) {
  return Array.from({ length: n }, () => (Math.random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(Math.random() * 26)))).join('');
}

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  return {
    /** Writes `count` inserts of `chunk` chars at random positions (E: a large document). */
    async eWriteBig({ proto, url, name, count, chunk }) {
      const doc = new Y.Doc();
      await held.writer(proto, url, name, doc);
      const text = doc.getText('t');
      for (let i = 0; i < count; i++) {
        text.insert(Math.floor(Math.random() * (text.length + 1)), randomText(chunk));
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      return { length: text.length, encodedBytes: Y.encodeStateAsUpdate(doc).length };
    },

    /** Writes one small update (a ~1 KB text) into each document and checks the server has it. */
    async eWriteSmall({ proto, url, names, chars }) {
      // a different random text per document, as Snappy works across neighbouring keys
      let encoded = 0;
      await pool(names, 32, async (name) => {
        const doc = new Y.Doc();
        doc.getText('t').insert(0, randomText(chars));
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
        const r = held.raw(new RawClient(proto, url, name, {
          onUpdate: (u, isStep2) => {
            if (isStep2) for (const v of Y.parseUpdateMeta(u).to.values()) len += v;
          },
        }));
        await withTimeout(r.synced, 30000, 'open sync');
        times.push(nowMs() - t);
        if (len < expectClockMin) short++;
      });
      return { ms: nowMs() - t0, times, short };
    },
  };
}
