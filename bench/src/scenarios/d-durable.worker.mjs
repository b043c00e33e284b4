// D's load-generator commands (F uses them too): raw writer and observer pairs, refilled so that
// at most `window` updates are in flight, and the check after a restart of what was kept.
import { RawClient, clockOf } from '../clients.mjs';
import { appendCharUpdate } from '../wire.mjs';
import { nowMs, pool, sleep, withTimeout } from '../util.mjs';

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  /** The pairs of the last `dSetup`, for `dGo`. */
  let pairs = [];

  return {
    /**
     * For each document: an observer (raw) and a writer (raw, hand-encoded 1-char updates,
     * at most `window` sent but not yet seen by the observer). Runs `durationMs`. The observer
     * connects to `obsUrl` (another instance, for F) when given.
     */
    async dSetup({ proto, url, obsUrl = url, names }) {
      pairs = await pool(names, 32, async (name) => {
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
        held.raw(pair.obs);
        held.raw(pair.w);
        await withTimeout(Promise.all([pair.obs.synced, pair.w.synced]), 20000, 'd sync');
        return pair;
      });
      return true;
    },

    async dGo({ window, durationMs }) {
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
      return pool(perDoc, 32, async ({ name, client }) => {
        let restored = 0;
        const r = held.raw(new RawClient(proto, url, name, { onUpdate: (u) => { restored = Math.max(restored, clockOf(u, client)); } }));
        await withTimeout(r.synced, 20000, 'verify sync');
        // y-websocket answers the first sync before its persisted state is loaded and sends
        // that state later as an update: give every server the same time to deliver it
        await sleep(settleMs);
        r.close();
        return restored;
      });
    },
  };
}
