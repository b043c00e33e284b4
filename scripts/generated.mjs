// The client's copies of what the relay defines once, generated from the server's sources (each
// imports nothing but lib0), so that the two can never disagree: the close-code table and the
// "saved" acknowledgement's codec.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED = [
  { source: 'server/src/closeCodes.ts', copy: 'client/src/editor/sync/closeCodes.generated.ts' },
  { source: 'server/src/protocol/savedCodec.ts', copy: 'client/src/editor/sync/savedCodec.generated.ts' },
];

/** What a client copy must hold. */
export function expectedCopy(root, { source }) {
  return `// GENERATED from ${source} by scripts/build.mjs: do not edit.\n` + readFileSync(join(root, source), 'utf8');
}

/** Rewrites the client's copies that differ; returns the ones it rewrote. */
export function syncGenerated(root) {
  const rewritten = [];
  for (const entry of GENERATED) {
    const want = expectedCopy(root, entry);
    const path = join(root, entry.copy);
    if (existsSync(path) && readFileSync(path, 'utf8') === want) continue;
    writeFileSync(path, want);
    rewritten.push(entry.copy);
  }
  return rewritten;
}
