import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

type FrameFn = (data: Buffer, options: Record<string, unknown>) => Buffer[];
// ws's own framing, as its sender writes it (ws exports Sender on the CommonJS entry).
const { frame: wsFrame } = (createRequire(import.meta.url)('ws') as { Sender: { frame: FrameFn } }).Sender;
import { frameBinary } from './frame.js';

test('frames match what ws itself writes, for every length encoding', () => {
  for (const len of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
    const payload = Buffer.alloc(len, 7);
    const ours = frameBinary(payload);
    const theirs = Buffer.concat(wsFrame(payload, { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false }));
    assert.ok(ours.equals(theirs), `length ${len}`);
  }
});
