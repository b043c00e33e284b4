// Test support shared by every workspace and by bench/: polling, free ports, temp directories.
// Plain ESM JavaScript (types in index.d.mts) so that the server's tests (tsx), the e2e suite
// (Playwright's loader), bench/ (plain node, not a workspace) and scripts/ all import the same
// file by relative path, with no build step and no package to install.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file sits in scripts/testkit/). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Polls `fn` until it returns a truthy value and returns that value. A throw counts as "not yet"
 * (the last error is in the timeout message), so a probe may fetch a server that is still starting.
 */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 10, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A loopback port that was free a moment ago: for servers that must be started on a known port
 * (child processes, restarts on the same port). In-process servers should listen on port 0.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh directory under the system's temp dir; the caller removes it. */
export function tempDir(prefix = 'tandem-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}
