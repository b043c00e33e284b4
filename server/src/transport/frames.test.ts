import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { encodeUpdate } from '../protocol/messages.js';
import { frameBinary, frameUpdateMessages } from './frames.js';

type FrameFn = (data: Buffer, options: Record<string, unknown>) => Buffer[];
// ws's own framing, as its sender writes it (ws exports Sender on the CommonJS entry).
const { frame: wsFrame } = (createRequire(import.meta.url)('ws') as { Sender: { frame: FrameFn } }).Sender;

test('frames match what ws itself writes, for every length encoding', () => {
  for (const len of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
    const payload = Buffer.alloc(len, 7);
    const ours = frameBinary(payload);
    const theirs = Buffer.concat(wsFrame(payload, { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false }));
    assert.ok(ours.equals(theirs), `length ${len}`);
  }
});

test('frameUpdateMessages gives, back to back, the frames of encodeUpdate for each update', () => {
  const updates = [0, 1, 100, 123, 124, 127, 128, 16383, 16384, 65530, 70000].map((n) => new Uint8Array(n).fill(n & 0xff));
  const expected = Buffer.concat(updates.map((u) => frameBinary(encodeUpdate(u))));
  const all = frameUpdateMessages(updates);
  assert.ok(Buffer.from(all.data).equals(expected));
  assert.ok(Buffer.from(frameUpdateMessages(updates, 3, 5).data).equals(Buffer.concat(updates.slice(3, 5).map((u) => frameBinary(encodeUpdate(u))))));
  assert.equal(frameUpdateMessages(updates, 2, 2).data.length, 0);
  // What metrics and the output cap are told: message count, payload bytes, largest frame.
  assert.equal(all.count, updates.length);
  assert.equal(all.bytes, updates.reduce((n, u) => n + encodeUpdate(u).length, 0));
  assert.equal(all.largest, Math.max(...updates.map((u) => frameBinary(encodeUpdate(u)).length)));
});
