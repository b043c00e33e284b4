// Guards hardening item 4 (issue 27): MAX_DOCUMENT_BYTES counted only the document's own updates,
// so uploads (each kept a day even unreferenced) and named versions (full copies, never thinned)
// bypassed it. Both now count, and what would pass the quota is refused with 413.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc, httpBase } from '../api.js';
import { type TestServer, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started), { MAX_DOCUMENT_BYTES: '8000' });

/** A PNG by its signature, `size` bytes, different for each `seed`. */
const png = (seed: number, size: number) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: size - 8 }, (_, i) => (i * seed + seed) & 0xff)]);
const upload = (name: string, bytes: Uint8Array) => fetch(`${httpBase(ts)}/api/${doc(name)}/files`, { method: 'POST', body: Buffer.from(bytes) });

test('uploads count toward MAX_DOCUMENT_BYTES: past it 413; the same file again adds nothing', async () => {
  const name = 'quota/files';
  assert.equal((await upload(name, png(1, 3000))).status, 201);
  assert.equal((await upload(name, png(2, 3000))).status, 201);
  assert.equal((await upload(name, png(1, 3000))).status, 201, 'already stored: no new bytes');
  const over = await upload(name, png(3, 3000));
  const body = await over.text();
  assert.equal(over.status, 413, body);
  assert.match((JSON.parse(body) as { reason: string }).reason, /MAX_DOCUMENT_BYTES/);
});

test('named versions count toward MAX_DOCUMENT_BYTES: past it 413', async () => {
  const name = 'quota/versions';
  const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} with some words in it.`).join('\n\n');
  assert.equal((await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/markdown', body: text })).status, 200);
  const name1 = async (label: string) => api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: JSON.stringify({ name: label }) });
  const answers: number[] = [];
  for (let i = 0; i < 5; i++) answers.push((await name1(`v${i}`)).status);
  assert.equal(answers[0], 201);
  assert.ok(answers.includes(413), `named versions past the quota refused: ${answers.join()}`);
  assert.ok(answers.indexOf(413) > 0 && answers.slice(answers.indexOf(413)).every((s) => s === 413));
});
