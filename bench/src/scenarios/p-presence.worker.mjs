// P's load-generator commands: a share of the crowd on one document (../presenceClient.mjs), every
// client moving its cursor once a second, some of them typing, the full clients timing what
// reaches them. One worker process holds 100–200 of the clients.
import * as Y from 'yjs';
import { PresenceClient } from '../presenceClient.mjs';
import { recordKeys } from '../latency.mjs';
import { nowMs, pool, sleep, withTimeout } from '../util.mjs';

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  let P = null;
  held.onClose(() => {
    for (const c of P?.clients ?? []) c.close();
    clearInterval(P?.ticker);
    P = null;
  });

  return {
    /**
     * Opens `crowd` clients that read only heads, then `full` ones (the last `typists` of them
     * type); `seedChars` first writes that much text through the first client, so the cursors
     * have somewhere to be.
     */
    async pSetup({ proto, url, name, crowd, full, typists, echo = false, seedChars = 0, maxKeys }) {
      P ??= { clients: [], presence: [], maxKeys, closed: [] };
      const open = async (isFull, i) => {
        const c = new PresenceClient({ proto, url, name, full: isFull, echo, label: `bench ${process.pid}-${i}`, onPresence: (ms, sentAt) => P?.presence.push(ms, sentAt), onClose: (code) => P?.closed.push(code) });
        await withTimeout(c.synced, 30000, 'presence client sync');
        return c;
      };
      if (seedChars) {
        const seeder = await open(true, 'seed');
        seeder.text.insert(0, 'lorem ipsum dolor sit amet '.repeat(Math.ceil(seedChars / 27)).slice(0, seedChars));
        await sleep(300);
        P.clients.push(seeder);
      }
      P.clients.push(...(await pool(Array.from({ length: crowd }, (_, i) => i), 25, (i) => open(false, i))));
      const fulls = await pool(Array.from({ length: full }, (_, i) => i), 10, (i) => open(true, `f${i}`));
      fulls.forEach((c, i) => {
        c.typist = i >= full - typists;
      });
      P.clients.push(...fulls);
      return { typistIds: fulls.filter((c) => c.typist).map((c) => c.doc.clientID), clients: P.clients.length };
    },

    /**
     * Starts the crowd: each client moves its cursor every `moveMs` (phases spread), each typist
     * types a character every `typeMs`; from now on the full clients record keystroke receipts
     * of `typistIds` and presence latencies.
     */
    pStart({ typistIds, moveMs, typeMs }) {
      P.presence = [];
      P.t0 = nowMs(); // closes are kept from the setup on: a close in the warm-up counts too
      for (const c of P.clients.filter((x) => x.full)) {
        c.recorder?.stop();
        c.recorder = recordKeys(c.doc, typistIds, P.maxKeys);
      }
      for (const c of P.clients) c.moves = 0;
      P.sendT = new Map();
      // One timer per process for every client's schedule: a thousand intervals would cost more
      // than the moves.
      const due = P.clients.map(() => P.t0 + Math.random() * moveMs);
      const keyDue = P.clients.map(() => P.t0 + Math.random() * typeMs);
      P.ticker = setInterval(() => {
        const t = nowMs();
        P.clients.forEach((c, i) => {
          if (c.closeCode !== null) return;
          if (t >= due[i]) {
            c.moveCursor();
            due[i] += moveMs;
          }
          if (c.typist && t >= keyDue[i]) {
            typeOne(c, P);
            keyDue[i] += typeMs;
          }
        });
      }, 5);
      return true;
    },

    /** Stops moving and typing; returns what was sent. */
    pStop() {
      clearInterval(P.ticker);
      P.t1 = nowMs();
      const sendT = {};
      for (const [id, v] of P.sendT) sendT[id] = v;
      return { moves: P.clients.reduce((n, c) => n + c.moves, 0), sendT, t0: P.t0, t1: P.t1 };
    },

    /**
     * What the full clients received: presence latencies of the moves made in [t0, t1] (all
     * workers' window), keystroke receipts, and the closes the server made.
     */
    pReport({ t0, t1 }) {
      const presence = [];
      for (let i = 0; i < P.presence.length; i += 2) if (P.presence[i + 1] >= t0 && P.presence[i + 1] <= t1) presence.push(P.presence[i]);
      const fulls = P.clients.filter((c) => c.full);
      return {
        presence,
        fullReceivers: fulls.length,
        keys: fulls.map((c) => c.recorder.receipts),
        closed: P.closed,
        open: P.clients.filter((c) => c.closeCode === null).length,
        decodeErrors: P.clients.reduce((n, c) => n + (c.decodeErrors ?? 0), 0),
      };
    },

    /** Keystrokes the full clients have not yet received (`counts[k]`: how many typist k sent). */
    pMissing({ typistIds, counts }) {
      let missing = 0;
      for (const c of P?.clients ?? []) {
        if (!c.recorder || c.closeCode !== null) continue;
        const { self, seen, base } = c.recorder.receipts;
        typistIds.forEach((wid, k) => {
          if (wid !== self) missing += Math.max(0, counts[k] - (seen[k] - base[k]));
        });
      }
      return missing;
    },
  };
}

/** One keystroke at a random place, its send time kept by clock (as A's writers keep theirs). */
function typeOne(c, P) {
  const id = c.doc.clientID;
  let s = P.sendT.get(id);
  if (!s) P.sendT.set(id, (s = { send: new Float64Array(P.maxKeys), base: stateOf(c.doc) }));
  const clock = stateOf(c.doc);
  if (clock - s.base >= P.maxKeys) return;
  s.send[clock - s.base] = nowMs();
  c.text.insert(Math.floor(Math.random() * (c.text.length + 1)), 'x');
}

const stateOf = (doc) => Y.getState(doc.store, doc.clientID);
