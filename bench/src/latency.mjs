// Keystroke receipts of the fan-out workers (scenarios A and F): the writers' send times
// (`aSendTimes`), each measuring client's receive times (`aRecvTimes`), and the latencies they make.
import { sleep } from './util.mjs';

/** How many keystrokes a writer sent: its send times fill the array from the start, 0 after. */
function sentCount(send) {
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
