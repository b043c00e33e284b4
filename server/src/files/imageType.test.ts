import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectImageType } from './imageType.js';

const b = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

test('images are recognised by their bytes, and nothing else is', () => {
  assert.equal(detectImageType(b([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0])), 'image/png');
  assert.equal(detectImageType(b([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(detectImageType(b('GIF89a', [1, 0])), 'image/gif');
  assert.equal(detectImageType(b('GIF87a')), 'image/gif');
  assert.equal(detectImageType(b('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')), 'image/webp');
  for (const refused of [
    b('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    b('<?xml version="1.0"?><svg/>'),
    b('<html><script>alert(1)</script>'),
    b('RIFF', [0, 0, 0, 0], 'WAVEfmt '),
    b([0x89], 'PN'), // truncated signature
    b('GIF8'),
    new Uint8Array(0),
  ]) {
    assert.equal(detectImageType(refused), null);
  }
});
