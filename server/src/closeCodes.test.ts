import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloseCode, ObservedCloseCode } from './closeCodes.js';

const root = resolve(import.meta.dirname, '..', '..');

test("the client's close-code table is the server's, regenerated (scripts/build.mjs)", async () => {
  const { expectedCopy, CLOSE_CODES_COPY } = (await import(join(root, 'scripts', 'closeCodes.mjs'))) as {
    expectedCopy: (root: string) => string;
    CLOSE_CODES_COPY: string;
  };
  assert.equal(readFileSync(join(root, CLOSE_CODES_COPY), 'utf8'), expectedCopy(root));
});

test('no observed-only code is in the table of codes the server sends', () => {
  const sent = new Set<number>(Object.values(CloseCode));
  for (const code of Object.values(ObservedCloseCode)) assert.ok(!sent.has(code), `${code} is observed only`);
});
