// Table repair elects one editor among those offering (client: editor/content/tableRepair.ts).
// A commenter's editor is editable in Suggesting mode; had it claimed the offer and won, its
// repairs would be refused (1008) and tables would stay ragged for everyone: the server relays
// the offer as false for every connection without write access, whatever the client claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE_REPAIR_FIELD, stampUser } from './stampUser.js';

test('only a connection with write access may offer to repair tables', () => {
  // A fresh state each time: stampUser changes the one it is given (a fresh parse, in Presence).
  const state = () => ({ user: { name: 'Cora' }, [TABLE_REPAIR_FIELD]: true });
  assert.equal(JSON.parse(stampUser(state(), undefined, false))[TABLE_REPAIR_FIELD], false);
  assert.equal(JSON.parse(stampUser(state(), 'Wes', true))[TABLE_REPAIR_FIELD], true);
  assert.equal(JSON.parse(stampUser({ ...state(), [TABLE_REPAIR_FIELD]: false }, undefined, true))[TABLE_REPAIR_FIELD], false);
  assert.equal(TABLE_REPAIR_FIELD in JSON.parse(stampUser({ user: { name: 'Cora' } }, undefined, false)), false, 'no field is added to a state without one');
});
