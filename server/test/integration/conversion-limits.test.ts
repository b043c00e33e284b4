// Guards hardening item 3 (issue 27): one import stalled every conversion. The pool had no job
// timeout, no queue bound and one lane: Markdown with 150,000 empty paragraphs (450 KB) or a table
// of 2,000 columns parsed for hours, and version digests and file collection waited behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc, setParagraphs } from '../api.js';
import { connect, type TestServer, useTestServer, waitFor } from '../helpers.js';

let ts: TestServer;
// One request worker on this machine; 4,800 one-word paragraphs take ten seconds or more to parse
// (Tiptap's Markdown tokenizers are quadratic), far past this timeout, and under the import limits.
useTestServer((started) => (ts = started), { CONVERSION_TIMEOUT_MS: '1500', MAX_CONVERSION_QUEUE: '0', VERSION_IDLE_MS: '100000' });
const SLOW = 'word\n\n'.repeat(4800);

test('pathological imports are refused at once with the limit they pass (400)', async () => {
  const empties = await api(ts, 'PUT', `${doc('limits/empty')}/import`, { type: 'text/markdown', body: '\\\n\n'.repeat(150_000) });
  assert.equal(empties.status, 400, empties.text);
  assert.match(empties.json.reason, /at most 5000/);
  const wide = await api(ts, 'PUT', `${doc('limits/wide')}/import`, { type: 'text/markdown', body: `|${' a |'.repeat(2000)}\n|${' - |'.repeat(2000)}\n\ntext\n` });
  assert.equal(wide.status, 400, wide.text);
  assert.match(wide.json.reason, /columns/);
  const cells = await api(ts, 'PUT', `${doc('limits/cells')}/import`, { type: 'text/html', body: `<table>${`<tr>${'<td>x</td>'.repeat(50)}</tr>`.repeat(120)}</table>` });
  assert.equal(cells.status, 400, cells.text);
  assert.match(cells.json.reason, /table cells/);
});

test('a conversion past CONVERSION_TIMEOUT_MS is stopped with 503; the next one gets a fresh worker', async () => {
  const started = Date.now();
  const slow = await api(ts, 'PUT', `${doc('limits/slow')}/import`, { type: 'text/markdown', body: SLOW });
  assert.equal(slow.status, 503, slow.text);
  assert.match(slow.json.reason, /CONVERSION_TIMEOUT_MS/);
  assert.ok(Date.now() - started < 5000, 'answered near the timeout, not after the parse');
  const ok = await api(ts, 'PUT', `${doc('limits/slow')}/import`, { type: 'text/markdown', body: '# fine\n' });
  assert.equal(ok.status, 200, ok.text);
});

test('past MAX_CONVERSION_QUEUE a request is refused with 503 and Retry-After; versions have their own lane', async () => {
  const name = 'limits/lanes';
  const peer = connect(ts.url, name);
  await peer.synced;
  setParagraphs(peer.doc, ['kept']);
  await waitFor(async () => (await api(ts, 'GET', doc(name))).status === 200, { what: 'the document stored' });
  const holding = api(ts, 'PUT', `${doc('limits/other')}/import`, { type: 'text/markdown', body: SLOW });
  await new Promise((r) => setTimeout(r, 300)); // the slow import is in the request lane's one worker
  const refused = await api(ts, 'GET', `${doc(name)}/export?format=md`);
  assert.equal(refused.status, 503, refused.text);
  assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'Retry-After');
  // A named version needs a digest: the internal lane answers while the request lane is busy.
  const version = await api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: '{"name":"while busy"}' });
  assert.equal(version.status, 201, version.text);
  assert.equal((await holding).status, 503);
  peer.destroy();
});
