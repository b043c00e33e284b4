// Loaded into every benchmarked server (Tandem and every peer alike) with
// `node --expose-gc --require bench/src/preload.cjs`: lets the harness force a full GC
// before it samples RSS, without touching the server's own code.
// With BENCH_HEAP_FILE set (scenario G), each forced GC is followed by process.memoryUsage()
// written to that file ({ pid, seq, heapUsed, ... }, replaced atomically), so the harness reads
// the V8 heap after a full GC without the server having to expose it.
'use strict';
const fs = require('node:fs');

const heapFile = process.env.BENCH_HEAP_FILE;
let seq = 0;
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  if (!heapFile) return;
  try {
    const tmp = `${heapFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, seq: ++seq, gc: typeof global.gc === 'function', ...process.memoryUsage() }));
    fs.renameSync(tmp, heapFile);
  } catch {
    // the harness notices the missing sample and says so; the server must not fail for it
  }
});
