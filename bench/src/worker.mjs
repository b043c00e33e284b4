// A load-generator process (pinned to core 1 by the harness). Receives commands over IPC and
// answers { id, ok, result | error }. Each scenario's commands are in its own
// scenarios/<id>-<name>.worker.mjs (named with its letter: aSetup, bOpen, cLoad, …; a scenario may
// call another's, as F calls A's and D's); what they share is one Held (../held.mjs).
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir } from './servers.mjs';
import { Held } from './held.mjs';
import * as A from './scenarios/a-fanout.worker.mjs';
import * as B from './scenarios/b-idle.worker.mjs';
import * as C from './scenarios/c-coldload.worker.mjs';
import * as D from './scenarios/d-durable.worker.mjs';
import * as E from './scenarios/e-large.worker.mjs';
import * as G from './scenarios/g-soak.worker.mjs';
import * as K300 from './scenarios/k-crowd.worker.mjs';
import * as J from './scenarios/j-joinstorm.worker.mjs';
import * as P from './scenarios/p-presence.worker.mjs';
import * as S from './scenarios/s-scaling.worker.mjs';

// y-websocket's WebsocketProvider adds a process 'exit' listener each; a worker holds dozens.
process.setMaxListeners(0);

const held = new Held();
held.tickBatches();

let elu = null;
// BENCH_GEN_PROF=1: each worker profiles its CPU over the measured window (eluStart → eluStop)
// into bench/.work/prof/gen-<pid>-<n>.cpuprofile (open in Chrome's DevTools).
const profiler = process.env.BENCH_GEN_PROF ? new Session() : null;
let profiles = 0;
profiler?.connect();
const post = (method) => new Promise((resolve, reject) => profiler.post(method, (err, r) => (err ? reject(err) : resolve(r))));
const common = {
  ping: () => process.pid,
  async eluStart() {
    if (profiler) await post('Profiler.enable').then(() => post('Profiler.start'));
    elu = performance.eventLoopUtilization();
    return true;
  },
  async eluStop() {
    const used = performance.eventLoopUtilization(elu).utilization;
    if (profiler) {
      const { profile } = await post('Profiler.stop');
      const dir = join(benchDir, '.work', 'prof');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `gen-${process.pid}-${profiles++}.cpuprofile`), JSON.stringify(profile));
    }
    return used;
  },
  closeAll() {
    held.closeAll();
    return true;
  },
};

/** One table of every command; a name defined twice is an error, not a silent override. */
function merge(tables) {
  const out = {};
  for (const table of tables) {
    for (const [name, fn] of Object.entries(table)) {
      if (name in out) throw new Error(`worker command ${name} is defined twice`);
      out[name] = fn;
    }
  }
  return out;
}

const commands = merge([common, ...[A, B, C, D, E, G, J, K300, P, S].map((m) => m.commands(held))]);

process.on('message', async ({ id, cmd, args }) => {
  try {
    if (!Object.hasOwn(commands, cmd)) throw new Error(`unknown worker command ${cmd}`);
    const result = await commands[cmd](args ?? {});
    process.send({ id, ok: true, result });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
// HocuspocusProvider.destroy() on a socket that is still connecting makes `ws` emit an
// 'error' nobody listens to; that must not take the load generator down. Anything else does.
process.on('uncaughtException', (err) => {
  if (String(err?.message).includes('WebSocket was closed before the connection was established')) return;
  console.error(err);
  process.exit(1);
});
