// Load-generator worker processes, pinned to core 1 (or a core of their own) with a raised fd limit.
import { fork, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export class Worker {
  /**
   * `session`: the worker leads a session of its own. Linux's autogroups (on by default) share
   * the CPU between sessions first and by niceness only within one: a worker in the bench's
   * session yields to the server beside it, not to the browsers, which Chromium starts in
   * sessions of their own. A worker of its own session yields to everything (`nice`).
   * `core`: the core it runs on, every thread of it (by default only its main thread is pinned,
   * to core 1, the load generators' core).
   */
  constructor({ session = false, core } = {}) {
    this.session = session;
    this.proc = fork(join(here, 'worker.mjs'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: session });
    this.pending = new Map();
    this.seq = 0;
    this.proc.on('message', ({ id, ok, result, error }) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (ok) p.resolve(result);
      else p.reject(new Error(error));
    });
    this.proc.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`worker exited (${code})`));
      this.pending.clear();
    });
    execFileSync('taskset', core === undefined ? ['-cp', '1', String(this.proc.pid)] : ['-acp', String(core), String(this.proc.pid)], { stdio: 'ignore' });
  }

  call(cmd, args) {
    const id = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ id, cmd, args });
    });
  }

  /**
   * Runs this process at `niceness` (a simulated crowd yields its core to what is measured:
   * the crowd stands for people on other machines). Back to 0 needs root; elsewhere it stays.
   */
  nice(niceness) {
    try {
      os.setPriority(this.proc.pid, niceness);
      // The session's share against other sessions (see the constructor); where autogroups are
      // off or absent, the file is missing and the process's niceness is all there is.
      if (this.session && existsSync(`/proc/${this.proc.pid}/autogroup`)) writeFileSync(`/proc/${this.proc.pid}/autogroup`, String(niceness));
    } catch {
      /* not root: lowering it back is not allowed, and a nicer process only yields more */
    }
  }

  kill() {
    this.proc.kill('SIGKILL');
  }
}

/** The niceness of a simulated crowd's processes: CFS weight 110 of 1024 beside what is measured. */
export const CROWD_NICE = 10;

/** n workers; closes everything they opened on `closeAll`. */
export class Workers {
  constructor(n) {
    this.list = Array.from({ length: n }, () => new Worker());
  }
  async ready() {
    await Promise.all(this.list.map((w) => w.call('ping')));
    return this;
  }
  all(cmd, args) {
    return Promise.all(this.list.map((w) => w.call(cmd, args)));
  }
  async eluStart() {
    await this.all('eluStart');
  }
  async eluStop() {
    const us = await this.all('eluStop');
    return Math.max(...us);
  }
  closeAll() {
    return this.all('closeAll');
  }
  kill() {
    for (const w of this.list) w.kill();
  }
}
