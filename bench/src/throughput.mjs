// D's timed run of durable write throughput (scenarios D and F): the harness side of the
// dSetup/dGo worker commands in scenarios/d-durable.worker.mjs.

/**
 * One run over `names`, split over the first two workers (document k to worker k % 2): worker i's
 * writers connect to `writeUrls[i]` and its observers to `obsUrls[i]`, and they write for
 * `durationMs` with at most `window` updates in flight per document. `cpuMs()` is read around the
 * timed window; `during` (D's kill -9) runs while it lasts, and then there is no CPU figure.
 * Everything the workers opened is closed after it.
 */
export async function durableRun(workers, { proto, names, writeUrls, obsUrls, window, durationMs, cpuMs, during }) {
  const ws = workers.list.slice(0, 2);
  const parts = ws.map((_, i) => names.filter((_, k) => k % ws.length === i));
  const active = ws.map((w, i) => ({ w, i })).filter(({ i }) => parts[i].length);
  await Promise.all(active.map(({ w, i }) => w.call('dSetup', { proto, url: writeUrls[i], obsUrl: obsUrls[i], names: parts[i] })));
  await workers.eluStart();
  const cpu0 = cpuMs();
  const runs = active.map(({ w }) => w.call('dGo', { window, durationMs }));
  if (during) await during();
  const rs = await Promise.all(runs);
  const cpu = during ? null : cpuMs() - cpu0;
  const elu = await workers.eluStop();
  await workers.closeAll();
  const seen = rs.reduce((a, r) => a + r.seenTotal, 0);
  const ms = Math.max(...rs.map((r) => r.ms));
  return {
    figures: { updatesPerS: (seen / ms) * 1000, cpuPer1k: cpu !== null && seen ? cpu / (seen / 1000) : null, workerElu: elu },
    perDoc: rs.flatMap((r) => r.perDoc),
  };
}
