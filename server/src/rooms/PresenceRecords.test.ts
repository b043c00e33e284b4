// A record remembers the name its state declares (versions and authorship ask for it with every
// applied update), and forgets it when the state changes: a person who renames themselves is
// credited under the new name from their next change on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnedIds } from './OwnedIds.js';
import type { PresenceOwner } from './ports.js';
import { PresenceRecords } from './PresenceRecords.js';

test('the declared name follows the state: read once, read again after a change, none once removed', () => {
  const records = new PresenceRecords(() => 0);
  const owner: PresenceOwner = { id: 1, closed: false, missedPong: () => false, owned: new OwnedIds() };
  owner.owned.add(7);
  assert.equal(records.declaredName(owner), undefined, 'no state yet');
  records.set(7, undefined, 1, JSON.stringify({ user: { name: '  Ada ' } }), owner);
  assert.equal(records.declaredName(owner), 'Ada');
  assert.equal(records.declaredName(owner), 'Ada', 'asked again, the same');
  records.set(7, records.get(7), 2, JSON.stringify({ user: { name: 'Ada L.' }, cursor: null }), owner);
  assert.equal(records.declaredName(owner), 'Ada L.', 'a renamed state is read anew');
  records.set(7, records.get(7), 3, JSON.stringify({ user: {} }), owner);
  assert.equal(records.declaredName(owner), undefined, 'a state without a name declares none');
  records.set(7, records.get(7), 4, 'null');
  assert.equal(records.declaredName(owner), undefined, 'a removed state declares none');
});
