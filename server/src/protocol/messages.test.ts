import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  isEmptyUpdate,
  isRemoval,
  readAwarenessState,
  DecodeError,
} from './messages.js';

/** The close codes the gateway gives each failure (http/refusals.ts), restated: the wire contract. */
const CODE = { unsupported: 1003, invalid: 1007 } as const;

function docWith(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

test('sync messages round-trip', () => {
  const doc = docWith('hello');
  const sv = Y.encodeStateVector(doc);
  const update = Y.encodeStateAsUpdate(doc);
  assert.deepEqual(decodeMessage(encodeSyncStep1(sv)), { kind: 'syncStep1', stateVector: sv });
  assert.deepEqual(decodeMessage(encodeSyncStep2(update)), { kind: 'syncStep2', update });
  assert.deepEqual(decodeMessage(encodeUpdate(update)), { kind: 'update', update });
  assert.deepEqual(decodeMessage(encodeQueryAwareness()), { kind: 'queryAwareness' });
});

test('awareness round-trips with what y-protocols encodes', () => {
  const doc = new Y.Doc();
  const aw = new awarenessProtocol.Awareness(doc);
  aw.setLocalState({ user: { name: 'Ada', color: '#f00' } });
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID]));
  const msg = decodeMessage(encoding.toUint8Array(e));
  assert.equal(msg.kind, 'awareness');
  assert.ok(msg.kind === 'awareness');
  const entries = decodeAwarenessUpdate(msg.update.payload);
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.clientId, doc.clientID);
  assert.deepEqual(entries[0]!.state, { user: { name: 'Ada', color: '#f00' } });
  // and what we encode, y-protocols applies
  const other = new awarenessProtocol.Awareness(new Y.Doc());
  const ours = encodeAwareness([{ clientId: 7, clock: 3, json: '{"user":{"name":"B"}}' }]);
  const inner = ours.subarray(2); // type (1 byte) + length (1 byte)
  awarenessProtocol.applyAwarenessUpdate(other, inner, 'test');
  assert.deepEqual(other.getStates().get(7), { user: { name: 'B' } });
  aw.destroy();
  other.destroy();
});

test('an empty update is recognised', () => {
  const a = docWith('x');
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  assert.ok(isEmptyUpdate(Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))));
  assert.ok(!isEmptyUpdate(Y.encodeStateAsUpdate(a)));
});

const garbage: Array<[string, number[], number]> = [
  ['empty frame', [], 1007],
  ['truncated varint type', [0x80], 1007],
  ['unknown type', [9], 1003],
  ['auth type from a client', [2, 0], 1003],
  ['unknown sync type', [0, 7, 0], 1003],
  ['truncated sync type', [0], 1007],
  ['update length past the end', [0, 2, 50, 1, 2], 1007],
  ['update that does not decode', [0, 2, 3, 1, 0xff, 0xff], 1007],
  ['state vector that does not decode', [0, 0, 2, 5, 1], 1007],
  ['trailing bytes after a sync step 1', [0, 0, 1, 0, 42], 1007],
  ['awareness with a short payload', [1, 10, 1, 2], 1007],
  ['query awareness with a tail', [3, 1], 1007],
];

for (const [what, bytes, code] of garbage) {
  test(`garbage: ${what} → ${code}`, () => {
    assert.throws(
      () => decodeMessage(new Uint8Array(bytes)),
      (err: unknown) => err instanceof DecodeError && CODE[err.failure] === code,
    );
  });
}

// An awareness message's states are decoded only when the room keeps them (echoes never are):
// the framing is checked by decodeMessage, each state by readAwarenessState.
const badStates: Array<[string, number[]]> = [
  ['invalid JSON', [0x7b]],
  ['a number', [0x31]],
  ['an array', [0x5b, 0x5d]],
  ['null written with a space', [0x20, 0x6e, 0x75, 0x6c, 0x6c]],
  ['invalid UTF-8', [0x22, 0xff, 0x22]],
];

for (const [what, state] of badStates) {
  test(`garbage: awareness state that is ${what} → 1007 when read, not before`, () => {
    const msg = decodeMessage(new Uint8Array([1, 4 + state.length, 1, 5, 1, state.length, ...state]));
    assert.ok(msg.kind === 'awareness');
    assert.deepEqual(msg.update.heads.map((h) => [h.clientId, h.clock]), [[5, 1]]);
    assert.throws(
      () => readAwarenessState(msg.update, msg.update.heads[0]!),
      (err: unknown) => err instanceof DecodeError && CODE[err.failure] === 1007,
    );
  });
}

test('an awareness removal is read as the text null, without JSON', () => {
  const msg = decodeMessage(encodeAwareness([{ clientId: 9, clock: 4, json: 'null' }, { clientId: 10, clock: 1, json: '{"a":1}' }]));
  assert.ok(msg.kind === 'awareness');
  const [removal, state] = msg.update.heads;
  assert.equal(isRemoval(msg.update, removal!), true);
  assert.equal(isRemoval(msg.update, state!), false);
  assert.deepEqual(readAwarenessState(msg.update, removal!), { clientId: 9, clock: 4, state: null, json: 'null' });
  assert.deepEqual(readAwarenessState(msg.update, state!).state, { a: 1 });
});

test('random bytes never escape as anything but DecodeError', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 5000; i++) {
    const bytes = new Uint8Array(Math.floor(rand() * 40));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
    if (bytes.length > 0) bytes[0] = bytes[0]! % 4;
    try {
      decodeMessage(bytes);
    } catch (err) {
      assert.ok(err instanceof DecodeError, `non-decode error for ${Buffer.from(bytes).toString('hex')}: ${String(err)}`);
    }
  }
});

