import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, connect, startTestServer } from '../helpers.js';

// Root cause this guards: a y-websocket client closes a socket that has heard nothing for 30 s.
// Alone in a document, it hears only its own awareness renewals (every 15 s) coming back.
test('a lone y-websocket client stays connected past 35 s', { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  const c = connect(ts.url, 'alone');
  await c.synced;
  let drops = 0;
  c.provider.on('connection-close', () => drops++);
  await new Promise((r) => setTimeout(r, 36_000));
  assert.equal(drops, 0, 'the client reconnected');
  assert.ok(c.provider.wsconnected);
  assert.equal(await ts.metric('tandem_connections_closed_total'), 0);
  c.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
