import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentsPerCredential } from './DocumentsPerCredential.js';

test('a credential holds at most max distinct documents; more connections to one it holds are free', () => {
  const held = new DocumentsPerCredential(2);
  const k = DocumentsPerCredential.keyOf('token-a', '1.2.3.4');
  assert.ok(held.take(k, 'a'));
  assert.ok(held.take(k, 'a'));
  assert.ok(held.take(k, 'b'));
  assert.equal(held.take(k, 'c'), false);
  assert.ok(held.take(DocumentsPerCredential.keyOf('token-b', '1.2.3.4'), 'c'), 'another credential is not affected');
  held.give(k, 'a');
  assert.equal(held.take(k, 'c'), false, 'a is still held by one connection');
  held.give(k, 'a');
  assert.ok(held.take(k, 'c'));
});

test('the key never holds the token itself; without one, the address counts', () => {
  const key = DocumentsPerCredential.keyOf('secret.jwt.value', '10.0.0.1');
  assert.ok(!key.includes('secret'));
  assert.equal(DocumentsPerCredential.keyOf(undefined, '10.0.0.1'), 'ip:10.0.0.1');
});
