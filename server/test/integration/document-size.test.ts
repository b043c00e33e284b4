// Guards MAX_DOCUMENT_BYTES: one write-capable peer could fill the disk (and every joiner's
// memory) with one document. An update that would take the stored size past the limit is refused
// whole — never stored, applied or relayed — and its sender is closed with 4413; readers, other
// writers' smaller edits before it, and other documents are unaffected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { cleanup, closeCode, connect, rawSocket, roomText, startTestServer, waitFor } from '../helpers.js';

test('an update past MAX_DOCUMENT_BYTES is refused whole with 4413; readers and other documents go on', async () => {
  let ts = await startTestServer({ MAX_DOCUMENT_BYTES: '200000', RATE_LIMIT_BYTES_BURST: '10000000' });
  const reader = connect(ts.url, 'full');
  const writer = connect(ts.url, 'full');
  await Promise.all([reader.synced, writer.synced]);
  writer.text.insert(0, 'a'.repeat(100_000));
  await waitFor(() => reader.text.length === 100_000, { what: 'the first 100 KB to arrive' });

  // A raw peer that has the document sends 150 KB more: over the limit.
  const big = await rawSocket(ts.url, 'full');
  const closed = closeCode(big);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer.doc));
  const before = Y.encodeStateVector(doc);
  doc.getXmlFragment('default').insert(0, [new Y.XmlText('b'.repeat(150_000))]);
  big.send(encodeUpdate(Y.encodeStateAsUpdate(doc, before)));
  const { code, reason } = await closed;
  assert.equal(code, 4413);
  assert.match(reason, /too large/);

  // Never applied nor relayed: the reader and the server still hold the 100 KB.
  writer.text.insert(0, 'ok');
  await waitFor(() => reader.text.toString().startsWith('ok'), { what: 'a small edit after the refusal' });
  assert.equal(reader.doc.getXmlFragment('default').length, 1, 'the refused paragraph never reached the reader');
  assert.equal(roomText(ts, 'full')!.length, 100_002);
  const other = connect(ts.url, 'another');
  await other.synced;
  other.text.insert(0, 'c'.repeat(150_000));
  await waitFor(() => roomText(ts, 'another')?.length === 150_000, { what: 'another document to take 150 KB' });

  // Never stored: after a restart the document is what it was.
  reader.destroy();
  writer.destroy();
  other.destroy();
  ts = await ts.restart();
  const late = connect(ts.url, 'full');
  await late.synced;
  assert.equal(late.doc.getXmlFragment('default').length, 1);
  assert.equal(late.text.length, 100_002);
  late.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
