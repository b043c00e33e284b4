import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, connect, startTestServer, waitFor, type TestServer } from '../helpers.js';

let ts: TestServer;
let base: string;
before(async () => {
  ts = await startTestServer();
  base = `http://127.0.0.1:${ts.port}`;
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

test('GET /healthz answers 200 once the store is open and the port listens', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('GET /metrics exposes every metric the design names', async () => {
  const c = connect(ts.url, 'metrics-doc');
  await c.synced;
  c.text.insert(0, 'x');
  await waitFor(async () => (await ts.metric('tandem_persist_seconds_count')) >= 1, { what: 'an update persisted' });
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  for (const [name, type] of [
    ['tandem_connections', 'gauge'],
    ['tandem_documents_loaded', 'gauge'],
    ['tandem_messages_received_total', 'counter'],
    ['tandem_messages_sent_total', 'counter'],
    ['tandem_bytes_received_total', 'counter'],
    ['tandem_bytes_sent_total', 'counter'],
    ['tandem_document_loads_total', 'counter'],
    ['tandem_connections_closed_total', 'counter'],
    ['tandem_persist_seconds', 'histogram'],
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
  }
  assert.match(text, /^tandem_connections 1$/m);
  assert.match(text, /^tandem_messages_received_total\{type="sync_step1"\} \d+$/m);
  assert.match(text, /^tandem_persist_seconds_count [1-9]\d*$/m);
  c.destroy();
});

test('the app is served on /, /d/<name> and unknown app routes; missing assets are 404', async () => {
  for (const path of ['/', '/d/some%20doc', '/d/a/b?name=Ada']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /<html/i);
  }
  assert.equal((await fetch(`${base}/assets/nope.js`)).status, 404);
  const traversal = await fetch(`${base}/%2e%2e/%2e%2e/package.json`);
  assert.notEqual(await traversal.text().then((t) => t.includes('"workspaces"')), true, 'no file outside the client is served');
});

test('GET /api/access/<name> without AUTH_SECRET says write; a bad name is 400', async () => {
  const ok = await fetch(`${base}/api/access/${encodeURIComponent('a/b')}`);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { mode: 'write' });
  const bad = await fetch(`${base}/api/access/%01`);
  assert.equal(bad.status, 400);
  assert.ok(((await bad.json()) as { reason: string }).reason);
  assert.equal((await fetch(`${base}/healthz`, { method: 'POST' })).status, 405);
});
