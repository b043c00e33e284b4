import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloseCode, ObservedCloseCode } from './closeCodes.js';

const root = resolve(import.meta.dirname, '..', '..');

test("the client's copies (close codes, the saved codec) are the server's, regenerated (scripts/build.mjs)", async () => {
  type Entry = { source: string; copy: string };
  const { expectedCopy, GENERATED } = (await import(join(root, 'scripts', 'generated.mjs'))) as {
    expectedCopy: (root: string, entry: Entry) => string;
    GENERATED: Entry[];
  };
  assert.ok(GENERATED.length >= 2);
  for (const entry of GENERATED) assert.equal(readFileSync(join(root, entry.copy), 'utf8'), expectedCopy(root, entry), entry.copy);
});

test('no observed-only code is in the table of codes the server sends', () => {
  const sent = new Set<number>(Object.values(CloseCode));
  for (const code of Object.values(ObservedCloseCode)) assert.ok(!sent.has(code), `${code} is observed only`);
});
