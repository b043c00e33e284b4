// B's load-generator commands: idle raw sockets, each announcing one awareness state, reading
// in batches (../held.mjs).
import { nowMs, pool, withTimeout } from '../util.mjs';

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  return {
    async bOpen({ proto, url, names, concurrency = 64 }) {
      const t0 = nowMs();
      let failed = 0;
      await pool(names, concurrency, async (name) => {
        const r = held.light(proto, url, name, {
          clientID: (Math.random() * 2 ** 31) >>> 0,
          awareness: { user: { name: `User ${held.raws.length}`, color: '#3366ff' }, cursor: null },
          // Hocuspocus closes a connection that sent nothing for 60 s; a real client renews its
          // awareness every 15 s. Only Hocuspocus gets this (cheap) keep-alive: a sync step 1.
          keepAliveMs: proto === 'hocus' ? 20000 : 0,
        });
        try {
          await withTimeout(r.synced, 30000, 'idle client sync');
        } catch {
          failed++;
        }
      });
      return { ms: nowMs() - t0, failed, open: held.raws.filter((r) => !r.closed).length };
    },

    bAlive() {
      return held.raws.filter((r) => !r.closed).length;
    },
  };
}
