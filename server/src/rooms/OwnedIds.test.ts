import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnedIds } from './OwnedIds.js';

test('owned IDs: one kept plainly, more in a set, deletions and clear', () => {
  const o = new OwnedIds();
  assert.deepEqual(o.list(), []);
  o.add(7);
  o.add(7);
  assert.deepEqual(o.list(), [7]);
  o.add(9);
  assert.deepEqual(o.list().sort(), [7, 9]);
  o.delete(7);
  assert.deepEqual(o.list(), [9]);
  o.delete(9);
  assert.deepEqual(o.list(), []);
  o.add(1);
  o.delete(2);
  assert.deepEqual(o.list(), [1]);
  o.clear();
  assert.deepEqual(o.list(), []);
});
