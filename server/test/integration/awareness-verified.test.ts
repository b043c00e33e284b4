// Guards contract "hardening" (issue 27, item 5): anyone with a share link could appear under
// someone else's name — the server stamped a token's name, but a connection without one could
// claim any name, and peers could not tell the two apart. Every relayed state now carries
// `user.verified`, set by the server; a client's own `verified: true` is overwritten, and a
// `user.color` that is not a colour is dropped (peers put it into `style`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import { mintToken } from '../../src/auth/tokens.js';
import { awarenessFrame, cleanup, rawSocket, startTestServer, waitFor, type RawSocket, type TestServer } from '../helpers.js';

const SECRET = 'verified-secret-0123456789';
let ts: TestServer;
before(async () => (ts = await startTestServer({ AUTH_SECRET: SECRET })));
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

/** The awareness states a raw socket hears, by client ID. */
function listen(ws: RawSocket): Map<number, { user?: Record<string, unknown> }> {
  const seen = new Map<number, { user?: Record<string, unknown> }>();
  const handle = (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) !== 1) return;
    const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
    const n = decoding.readVarUint(inner);
    for (let i = 0; i < n; i++) {
      const id = decoding.readVarUint(inner);
      decoding.readVarUint(inner);
      const state = JSON.parse(decoding.readVarString(inner)) as { user?: Record<string, unknown> } | null;
      if (state === null) seen.delete(id);
      else seen.set(id, state);
    }
  };
  ws.received.forEach(handle);
  ws.on('message', handle);
  return seen;
}

test('user.verified is the server\'s word: true only for a token that named its holder', async () => {
  const named = await mintToken(SECRET, { doc: 'v/doc', mode: 'write', name: 'Ada Lovelace' }, 600);
  const anonymous = await mintToken(SECRET, { doc: 'v/doc', mode: 'read' }, 600);
  const watcher = await rawSocket(ts.url, 'v/doc', {}, anonymous);
  const seen = listen(watcher);
  const ada = await rawSocket(ts.url, 'v/doc', {}, named);
  const impostor = await rawSocket(ts.url, 'v/doc', {}, anonymous);
  ada.send(awarenessFrame(1001, 1, { user: { name: 'Someone else', verified: false, color: '#1a73e8' } }));
  impostor.send(awarenessFrame(2002, 1, { user: { name: 'Ada Lovelace', verified: true, color: 'red; position: fixed; inset: 0' }, cursor: null }));
  impostor.send(awarenessFrame(3003, 1, { cursor: null })); // no user at all
  await waitFor(() => seen.has(1001) && seen.has(2002) && seen.has(3003), { what: 'all three states' });
  assert.deepEqual(seen.get(1001)!.user, { name: 'Ada Lovelace', verified: true, color: '#1a73e8' });
  assert.deepEqual(seen.get(2002)!.user, { name: 'Ada Lovelace', verified: false }, 'claimed verification overwritten, bad colour dropped');
  assert.deepEqual(seen.get(3003)!.user, { verified: false });
  for (const ws of [watcher, ada, impostor]) ws.close();
});
