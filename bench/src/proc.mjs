// Process-tree CPU and memory from /proc (Linux only).
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE = Number(execFileSync('getconf', ['PAGESIZE']).toString().trim()) || 4096;

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process (or thread) is gone: it no longer counts
  }
}

/** The pid and all its descendants. */
export function treePids(root) {
  const out = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    out.push(pid);
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const c = read(`/proc/${pid}/task/${tid}/children`);
      if (c) for (const p of c.trim().split(/\s+/)) if (p) stack.push(Number(p));
    }
  }
  return out;
}

/** utime+stime of the whole tree in milliseconds. */
export function cpuMs(root) {
  let ticks = 0;
  for (const pid of treePids(root)) {
    const s = read(`/proc/${pid}/stat`);
    if (!s) continue;
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // fields 14 and 15: utime, stime
  }
  return (ticks * 1000) / CLK_TCK;
}

/** Resident set size of the whole tree in bytes. */
export function rssBytes(root) {
  let pages = 0;
  for (const pid of treePids(root)) {
    const s = read(`/proc/${pid}/statm`);
    if (s) pages += Number(s.split(' ')[1]);
  }
  return pages * PAGE;
}

/**
 * Open file descriptors of the whole tree, by kind: sockets, files below `dataDir` (the store),
 * and the rest (pipes, event loop, the log, /dev/null...).
 */
export function fdCounts(root, dataDir) {
  const out = { total: 0, sockets: 0, store: 0, other: 0 };
  let dir = dataDir;
  try {
    dir = dataDir && realpathSync(dataDir); // the links in /proc name real paths
  } catch {
    // removed already: nothing of it can be open
  }
  for (const pid of treePids(root)) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      out.total++;
      if (target.startsWith('socket:')) out.sockets++;
      else if (dir && target.startsWith(dir)) out.store++;
      else out.other++;
    }
  }
  return out;
}

/** Bytes on disk below a directory (du, 1-byte units of allocated size). */
export function diskBytes(dir) {
  try {
    const out = execFileSync('du', ['-sb', dir]).toString();
    return Number(out.split('\t')[0]);
  } catch {
    return 0;
  }
}
