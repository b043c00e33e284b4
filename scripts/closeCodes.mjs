// The client's copy of the relay's close-code table is generated from the server's one source
// (server/src/closeCodes.ts, which has no imports), so the two can never disagree.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLOSE_CODES_SOURCE = 'server/src/closeCodes.ts';
export const CLOSE_CODES_COPY = 'client/src/editor/closeCodes.generated.ts';
const HEADER = `// GENERATED from ${CLOSE_CODES_SOURCE} by scripts/build.mjs: do not edit.\n`;

/** What the client's copy must hold. */
export function expectedCopy(root) {
  return HEADER + readFileSync(join(root, CLOSE_CODES_SOURCE), 'utf8');
}

/** Rewrites the client's copy when it differs; returns whether it did. */
export function syncCloseCodes(root) {
  const want = expectedCopy(root);
  const path = join(root, CLOSE_CODES_COPY);
  if (existsSync(path) && readFileSync(path, 'utf8') === want) return false;
  writeFileSync(path, want);
  return true;
}
