// One run of the engine tests: every test file that node's test runner starts for one `npm test`
// shares it, so that the project's image is built once per run and removed when the run ends.
// Names of everything a run creates start with its prefix, so that two runs never collide and the
// janitor (janitor.mjs) can find what a crashed test left behind.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRun {
  /** The process whose end ends the run: node's test runner, or this process when run alone. */
  readonly watchPid: number;
  /** Lower-case letters and digits only (compose project names allow no more everywhere). */
  readonly prefix: string;
}

/** Shared by every run on this machine: the daemon lease, the lock, the runs' records. */
export const STATE_DIR = join(tmpdir(), 'tandem-docker-tests');

/** Start time of a process in clock ticks since boot: with the pid, it names one process for ever. */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing parenthesis do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined; // no such process (or no /proc): the caller treats it as gone
  }
}

function isTestRunner(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('--test');
  } catch {
    return false; // no /proc entry: not a runner we can watch
  }
}

let current: TestRun | undefined;

export function currentRun(): TestRun {
  if (current) return current;
  const watchPid = isTestRunner(process.ppid) ? process.ppid : process.pid;
  const ticks = startTicks(watchPid) ?? String(Date.now());
  current = { watchPid, prefix: `tandemtest${watchPid}t${ticks}` };
  return current;
}

/** Sleeps without holding the event loop hostage (used by the lock only). */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding the machine-wide lock of the engine tests (starting the daemon, building
 * images, registering runs). A lock whose owner has died is taken over.
 */
export async function withLock<T>(fn: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  const dir = join(STATE_DIR, 'lock');
  mkdirSync(STATE_DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'owner'), `${process.pid} ${startTicks(process.pid) ?? ''}`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = '';
      try {
        owner = readFileSync(join(dir, 'owner'), 'utf8');
      } catch {
        owner = ''; // being written or removed right now: look again shortly
      }
      const [pid, ticks] = owner.split(' ');
      if (pid && startTicks(Number(pid)) !== ticks) rmSync(dir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${dir} held for ${timeoutMs} ms by ${owner || 'an unknown process'}`);
      await pause(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
