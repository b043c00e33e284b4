// The clients one load-generator process holds for the scenarios' worker commands
// (scenarios/*.worker.mjs): kept until the harness calls `closeAll`, and the light clients that
// only receive read in batches.
import { openProvider, RawClient } from './clients.mjs';
import { withTimeout } from './util.mjs';

export class Held {
  providers = [];
  raws = [];
  /** Light clients paused between batched reads. */
  batched = new Set();
  #onClose = [];

  /** Keeps a real provider (from `openProvider`) until `closeAll`. */
  provider(p) {
    this.providers.push(p);
    return p;
  }

  /** Keeps a raw client until `closeAll`. */
  raw(r) {
    this.raws.push(r);
    return r;
  }

  /** A raw client that only receives: held, and reading in batches once synced. */
  light(proto, url, name, options) {
    const r = this.raw(new RawClient(proto, url, name, options));
    r.synced.then(() => {
      if (!r.closed) {
        r.ws.pause();
        this.batched.add(r);
      }
    }, () => {});
    return r;
  }

  /** A real provider on `doc`, held, once its first sync is done (C's and E's writers). */
  async writer(proto, url, name, doc) {
    const p = this.provider(openProvider(proto, url, name, doc));
    await withTimeout(p.synced, 15000, 'writer sync');
    return p;
  }

  /** `fn` runs after every `closeAll`: a scenario forgets the state it kept about those clients. */
  onClose(fn) {
    this.#onClose.push(fn);
  }

  closeAll() {
    for (const p of this.providers) p.destroy();
    for (const r of this.raws) r.close();
    this.providers = [];
    this.raws = [];
    this.batched.clear();
    for (const fn of this.#onClose) fn();
  }

  /**
   * Light clients that only need to receive (A's bulk receivers, B's idle sockets) read in
   * batches: paused, and resumed for a moment every 100–1000 ms. The server's writes land in the
   * kernel's socket buffers either way (a few KB here, far below their size), so the server
   * does exactly the same work, while the generator pays one read per socket per period
   * instead of one per message: that is what keeps 200 receivers on one core.
   * The period adapts to the number of paused sockets (each resume/pause costs a few µs):
   * 100 ms for A's 200 receivers, ~1 s for B's 3,334 idle sockets per worker.
   * Started once by the worker process; the timers are unref'd.
   */
  tickBatches() {
    const period = Math.min(1000, Math.max(100, this.batched.size / 3));
    setTimeout(() => {
      for (const r of this.batched) r.ws.resume();
      setTimeout(() => {
        for (const r of this.batched) r.ws.pause();
        this.tickBatches();
      }, 3);
    }, period).unref();
  }
}
