// Versions are recorded when editing pauses (VERSION_IDLE_MS) with who edited, an identical
// version is not stored twice, and versions survive compaction and a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc, setParagraphs } from '../api.js';
import { connect, waitFor, type TestServer, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started), { VERSION_IDLE_MS: '150', VERSION_EVERY_MS: '100000', COMPACT_AFTER_UPDATES: '3' });

const versions = async (name: string) => (await api(ts, 'GET', `${doc(name)}/versions`)).json.versions as Array<{ id: string; name: string | null; authors: Array<{ name: string; verified: boolean }> }>;

test('a pause records a version with its authors; identical content is not recorded again; versions outlive compaction and restart', async () => {
  const name = 'versions/recorded';
  const ada = connect(ts.url, name);
  await ada.synced;
  ada.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#f00' });
  for (let i = 1; i <= 6; i++) setParagraphs(ada.doc, [`line ${i}`]); // past COMPACT_AFTER_UPDATES
  const [v1] = await waitFor(async () => {
    const list = await versions(name);
    return list.length === 1 ? list : undefined;
  }, { what: 'a version after the pause' });
  assert.deepEqual(v1!.authors, [{ name: 'Ada', verified: false }]);
  assert.equal(v1!.name, null);

  // The same content again (different Yjs history): no new version.
  setParagraphs(ada.doc, ['something else']);
  setParagraphs(ada.doc, ['line 6']);
  await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text === 'line 6\n');
  await new Promise((r) => setTimeout(r, 500)); // past the idle time: a version would have been recorded
  assert.equal((await versions(name)).length, 1, 'identical content: no second version');

  setParagraphs(ada.doc, ['line 7']);
  await waitFor(async () => (await versions(name)).length === 2, { what: 'a second version' });
  ada.destroy();

  const restarted = await ts.restart();
  ts = restarted;
  const again = await versions(name);
  assert.equal(again.length, 2);
  assert.equal((await api(ts, 'GET', `${doc(name)}/versions/${again[1]!.id}/export?format=txt`)).text, 'line 6\n');
  assert.equal((await api(ts, 'GET', `${doc(name)}/versions/${again[0]!.id}/export?format=txt`)).text, 'line 7\n');
});
