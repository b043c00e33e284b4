// Guards hardening item 4 (issue 27): every named version stores a full copy of the document and is
// never thinned, and nothing limited how often one could be named: a script could fill the disk
// (and Redis). Named versions are now rate-limited per document (429 with Retry-After).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc } from '../api.js';
import { type TestServer, useTestServer } from '../helpers.js';
import { NAMED_BURST } from '../../src/history/namedVersionLimit.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

test('named versions: a burst, then 429 with Retry-After; another document has its own budget', async () => {
  for (const name of ['nv/a', 'nv/b']) {
    assert.equal((await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/markdown', body: `# ${name}\n` })).status, 200);
  }
  const named = (name: string, i: number) => api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: JSON.stringify({ name: `v${i}` }) });
  for (let i = 0; i < NAMED_BURST; i++) assert.equal((await named('nv/a', i)).status, 201);
  const refused = await named('nv/a', 99);
  assert.equal(refused.status, 429, refused.text);
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  assert.match(refused.json.reason, /named versions/);
  assert.equal((await named('nv/b', 0)).status, 201);
});
