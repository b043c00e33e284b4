import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryUpdates, packUpdates } from './SharedLog.js';

test('packed updates come back as they were, in order; an entry of this instance reads as none', () => {
  const updates = [0, 1, 127, 128, 300, 70_000].map((n) => new Uint8Array(n).fill(n & 0xff));
  const fields = ['i', 'inst-a', 'p', packUpdates(updates)].map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
  assert.deepEqual(entryUpdates(fields).map((u) => [...u]), updates.map((u) => [...u]));
  assert.deepEqual(entryUpdates(fields, 'inst-a'), []);
  assert.equal(entryUpdates(fields, 'inst-b').length, updates.length);
  // A single update in `u` (what reconciliation appends) reads the same way.
  assert.deepEqual(entryUpdates([Buffer.from('u'), Buffer.from([1, 2])]).map((u) => [...u]), [[1, 2]]);
});
