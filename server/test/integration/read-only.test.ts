import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { cleanup, connect, roomText, startTestServer, waitFor } from '../helpers.js';

const SECRET = 'read-only-secret-long-enough';

test('a read-only peer receives everything, shows in presence, and its edits reach neither peers nor disk', async () => {
  let ts = await startTestServer({ AUTH_SECRET: SECRET });
  const w = await mintToken(SECRET, { doc: 'ro', mode: 'write' }, 3600);
  const r = await mintToken(SECRET, { doc: 'ro', mode: 'read', name: 'Viewer' }, 3600);
  const writer = connect(ts.url, 'ro', { params: { token: w } });
  const reader = connect(ts.url, 'ro', { params: { token: r } });
  await Promise.all([writer.synced, reader.synced]);
  writer.text.insert(0, 'official');
  await waitFor(() => reader.text.toString() === 'official', { what: 'live changes reach the reader' });
  reader.provider.awareness.setLocalStateField('user', { name: 'Anyone' });
  await waitFor(() => [...writer.provider.awareness.getStates().values()].some((s) => (s as { user?: { name?: string } }).user?.name === 'Viewer'), { what: 'viewer in presence' });

  reader.text.insert(0, 'VANDAL ');
  reader.doc.getMap('m').set('k', 'v');
  writer.text.insert(writer.text.length, '!'); // a later write proves the earlier frames were handled
  await waitFor(() => roomText(ts, 'ro') === 'official!', { what: 'the writer\'s edit' });
  await waitFor(() => writer.text.toString() === 'official!', { what: 'writer state' });
  assert.equal(writer.doc.getMap('m').size, 0);
  // a reconnecting reader re-sends its local edit in its sync step 2: dropped as well
  reader.provider.disconnect();
  reader.provider.connect();
  await reader.synced;
  await waitFor(() => reader.provider.synced, { what: 'reader resynced' });
  assert.equal(roomText(ts, 'ro'), 'official!');
  writer.destroy();
  reader.destroy();
  ts = await ts.restart();
  const check = connect(ts.url, 'ro', { params: { token: w } });
  await check.synced;
  assert.equal(check.text.toString(), 'official!');
  assert.equal(check.doc.getMap('m').size, 0);
  check.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});
