// Loaded into every benchmarked server (Tandem and every peer alike) with
// `node --expose-gc --require bench/src/preload.cjs`: lets the harness force a full GC
// before it samples RSS, without touching the server's own code.
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
});
