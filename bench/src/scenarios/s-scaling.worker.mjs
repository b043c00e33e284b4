// S's load-generator commands: the background documents of the connections-per-instance curve,
// each with light receivers and one raw typist appending a character at a steady rate.
import { appendCharUpdate } from '../wire.mjs';
import { pool, withTimeout } from '../util.mjs';

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  const typists = [];
  let ticker = null;
  held.onClose(() => {
    clearInterval(ticker);
    ticker = null;
    typists.length = 0;
  });

  return {
    /** Opens `perDoc` clients on each of `names` (one of them types once started). */
    async sOpen({ proto, url, names, perDoc }) {
      await pool(names, 8, async (name) => {
        const clients = await pool(Array.from({ length: perDoc }, (_, i) => i), perDoc, async () => {
          const r = held.light(proto, url, name, { clientID: (Math.random() * 2 ** 31) >>> 0, awareness: { user: { name: 'bench' } } });
          await withTimeout(r.synced, 30000, 'background client sync');
          return r;
        });
        typists.push({ r: clients[0], client: (Math.random() * 2 ** 31) >>> 0, clock: 0 });
      });
      return typists.length;
    },

    /** Every background typist appends a character every `periodMs` (phases spread). */
    sType({ periodMs }) {
      clearInterval(ticker);
      const t0 = Date.now();
      const due = typists.map(() => t0 + Math.random() * periodMs);
      ticker = setInterval(() => {
        const t = Date.now();
        typists.forEach((ty, i) => {
          if (t < due[i]) return;
          due[i] += periodMs;
          ty.r.sendUpdate(appendCharUpdate(ty.client, ty.clock++));
        });
      }, 10);
      return true;
    },

    sQuiet() {
      clearInterval(ticker);
      return true;
    },
  };
}
