// Guards RATE_LIMIT_BYTES_PER_SEC / _BURST: the message-count bucket alone let one peer push
// a few large updates a second forever. A peer over its byte budget is closed with 1013; a
// peer typing beside it is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { cleanup, closeCode, connect, rawSocket, startTestServer, waitFor } from '../helpers.js';

test('a peer over its received-bytes budget is closed with 1013; others go on', async () => {
  const ts = await startTestServer({ RATE_LIMIT_BYTES_PER_SEC: '100000', RATE_LIMIT_BYTES_BURST: '300000', RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' });
  const calm = connect(ts.url, 'bytes');
  await calm.synced;
  const flooder = await rawSocket(ts.url, 'bytes');
  const closed = closeCode(flooder);
  const doc = new Y.Doc();
  for (let i = 0; i < 10; i++) {
    const before = Y.encodeStateVector(doc);
    doc.getText('junk').insert(0, 'f'.repeat(50_000));
    flooder.send(encodeUpdate(Y.encodeStateAsUpdate(doc, before)));
  }
  const { code, reason } = await closed;
  assert.equal(code, 1013);
  assert.match(reason, /byte/);
  calm.text.insert(0, 'still typing');
  const other = connect(ts.url, 'bytes');
  await waitFor(() => other.text.toString() === 'still typing', { what: 'the calm peer\'s edit' });
  other.destroy();
  calm.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
