// Keystroke receipts of the fan-out workers (scenarios A, F, S, and P's typists): the writers' send
// times (`aSendTimes`), each measuring client's receive times (`recordKeys`, `aRecvTimes`), and the
// latencies they make.
import * as Y from 'yjs';
import { nowMs, sleep } from './util.mjs';

/** How many keystrokes a writer sent: its send times fill the array from the start, 0 after. */
export function sentCount(send) {
  let k = 0;
  while (k < send.length && send[k] > 0) k++;
  return k;
}

/**
 * After typing: waits (at most 3 s) until every measuring worker in `workers` has received every
 * keystroke the writers sent (as `aSendTimes` reported them).
 */
export async function drainReceipts(workers, key, sendT) {
  const counts = {};
  for (const [wid, { send }] of Object.entries(sendT)) counts[wid] = sentCount(send);
  const t = Date.now();
  while (Date.now() - t < 3000) {
    const left = (await Promise.all(workers.map((w) => w.call('aMissing', { key, counts })))).reduce((a, b) => a + b, 0);
    if (!left) return;
    await sleep(20);
  }
}

/**
 * Latencies of the writers' keystrokes at `clients` (receive times as `aRecvTimes` gives them in
 * `recv`; a writer's own keystrokes are not counted), sorted; receipts missing; keystrokes sent.
 */
export function latencies(sendT, clients, writerIds) {
  const sent = new Map();
  for (const [wid, { send, base }] of Object.entries(sendT)) sent.set(Number(wid), { send, base, count: sentCount(send) });
  const lat = [];
  let missing = 0;
  for (const r of clients) {
    writerIds.forEach((wid, k) => {
      if (wid === r.self) return;
      const s = sent.get(wid);
      for (let i = 0; i < s.count; i++) {
        const rt = r.recv[k][s.base + i - r.base[k]];
        if (rt > 0) lat.push(rt - s.send[i]);
        else missing++;
      }
    });
  }
  return { lat: lat.sort((x, y) => x - y), missing, keys: [...sent.values()].reduce((n, s) => n + s.count, 0) };
}

/**
 * Records when each of the writers' keystrokes reaches `doc` (remote updates only), in the form
 * `latencies` reads: `receipts` = { self, recv: per writer receive times by clock − base, base,
 * seen }. Clocks at or above `maxKeys` past the start are not kept. `stop()` detaches it.
 */
export function recordKeys(doc, writerIds, maxKeys) {
  const idx = new Map(writerIds.map((id, k) => [id, k]));
  const seen = new Int32Array(writerIds.length);
  const recv = writerIds.map(() => new Float64Array(maxKeys));
  for (let k = 0; k < writerIds.length; k++) seen[k] = Y.getState(doc.store, writerIds[k]);
  const base = Int32Array.from(seen);
  const onUpdate = (u, origin) => {
    if (origin === null) return; // local change
    const t = nowMs();
    const meta = Y.parseUpdateMeta(u);
    for (const [client, to] of meta.to) {
      const k = idx.get(client);
      if (k === undefined || client === doc.clientID) continue;
      for (let c = seen[k]; c < to; c++) if (c - base[k] < maxKeys) recv[k][c - base[k]] = t;
      if (to > seen[k]) seen[k] = to;
    }
  };
  doc.on('update', onUpdate);
  return { receipts: { self: doc.clientID, recv, base, seen }, stop: () => doc.off('update', onUpdate) };
}
