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

test('the relayed JSON keeps the state\'s keys in order, with the user stamped where it was', () => {
  const state = () => JSON.parse('{"cursor":{"anchor":1},"user":{"name":"Cora","color":"#e06c75"},"sentAt":5}') as Record<string, unknown>;
  assert.equal(stampUser(state(), undefined), '{"cursor":{"anchor":1},"user":{"name":"Cora","color":"#e06c75","verified":false},"sentAt":5}');
  assert.equal(stampUser(state(), 'Wes'), '{"cursor":{"anchor":1},"user":{"name":"Wes","color":"#e06c75","verified":true},"sentAt":5}');
  const bad = JSON.parse('{"user":{"color":"red; position: fixed","name":"X","verified":true}}') as Record<string, unknown>;
  assert.equal(stampUser(bad, undefined), '{"user":{"name":"X","verified":false}}', 'a claimed verified is overruled, a colour that is not one dropped');
  assert.equal(stampUser(JSON.parse('{"a":1,"user":"me"}') as Record<string, unknown>, undefined), '{"a":1,"user":{"verified":false}}');
  assert.equal(stampUser(JSON.parse('{"a":1}') as Record<string, unknown>, undefined), '{"a":1,"user":{"verified":false}}');
});
