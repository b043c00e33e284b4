// Every refusal of the HTTP API is JSON { error, reason } with the right status, and a read
// token can read but never import, restore, name versions or delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { api, doc, type Answer } from '../api.js';
import { cleanup, startTestServer, type TestServer } from '../helpers.js';

const SECRET = 'errors-secret-0123456789';
let ts: TestServer;
let writer: string;
let reader: string;
let versionId: string;
before(async () => {
  ts = await startTestServer({ AUTH_SECRET: SECRET, MAX_MESSAGE_BYTES: '2048', MAX_DOCUMENT_BYTES: '4096' });
  writer = await mintToken(SECRET, { doc: 'e/*', mode: 'write' }, 600);
  reader = await mintToken(SECRET, { doc: 'e/*', mode: 'read' }, 600);
  assert.equal((await api(ts, 'PUT', `${doc('e/doc')}/import`, { token: writer, type: 'text/markdown', body: 'hello' })).status, 200);
  versionId = (await api(ts, 'POST', `${doc('e/doc')}/versions`, { token: writer, type: 'application/json', body: '{"name":"one"}' })).json.id;
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

function refused(r: Answer, status: number, error: string): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(r.json.error, error);
  assert.equal(typeof r.json.reason, 'string');
  assert.ok(r.json.reason.length > 0);
}

test('errors are JSON with the right status', async () => {
  refused(await api(ts, 'GET', 'nothing/here', { token: writer }), 404, 'not_found');
  refused(await api(ts, 'GET', doc('e/missing'), { token: writer }), 404, 'not_found');
  refused(await api(ts, 'GET', `${doc('e/missing')}/export`, { token: writer }), 404, 'not_found');
  refused(await api(ts, 'GET', `${doc('e/doc')}/versions/123/export`, { token: writer }), 404, 'not_found');
  refused(await api(ts, 'GET', `${doc('e/doc')}/versions/nope/export`, { token: writer }), 404, 'not_found');
  refused(await api(ts, 'GET', 'docs/%E0%A4%A/export', { token: writer }), 400, 'bad_request');
  refused(await api(ts, 'GET', `${doc('e/doc')}/export?format=pdf`, { token: writer }), 400, 'bad_request');
  refused(await api(ts, 'PUT', `${doc('e/doc')}/import?mode=merge`, { token: writer, type: 'text/markdown', body: 'x' }), 400, 'bad_request');
  refused(await api(ts, 'PUT', `${doc('e/doc')}/import`, { token: writer, type: 'application/vnd.yjs.doc', body: new Uint8Array([1, 2, 3, 200]) }), 400, 'bad_content');
  refused(await api(ts, 'POST', `${doc('e/doc')}/versions`, { token: writer, type: 'application/json', body: '{"name":' }), 400, 'bad_request');
  refused(await api(ts, 'PUT', `${doc('e/doc')}/import`, { token: writer, type: 'application/pdf', body: 'x' }), 415, 'unsupported_media_type');
  refused(await api(ts, 'PUT', `${doc('e/doc')}/import`, { token: writer, type: 'text/markdown', body: 'x'.repeat(4096) }), 413, 'too_large');
  // Under MAX_MESSAGE_BYTES, but the document would outgrow MAX_DOCUMENT_BYTES: refused whole.
  const append = () => api(ts, 'PUT', `${doc('e/big')}/import?mode=append`, { token: writer, type: 'text/markdown', body: 'y'.repeat(1800) });
  assert.equal((await append()).status, 200);
  assert.equal((await append()).status, 200);
  refused(await append(), 413, 'too_large');
  refused(await api(ts, 'PUT', doc('e/doc'), { token: writer }), 405, 'method_not_allowed');
  refused(await api(ts, 'GET', doc('e/doc')), 401, 'unauthorized');
  refused(await api(ts, 'GET', doc('e/doc'), { token: 'not.a.token' }), 401, 'unauthorized');
  refused(await api(ts, 'GET', doc('elsewhere'), { token: writer }), 403, 'forbidden');
  refused(await api(ts, 'GET', 'backup', { token: writer }), 403, 'forbidden');
});

test('a read token reads but cannot import, restore, see or name versions, or delete', async () => {
  assert.equal((await api(ts, 'GET', doc('e/doc'), { token: reader })).status, 200);
  assert.equal((await api(ts, 'GET', `${doc('e/doc')}/export?format=txt`, { token: reader })).text, 'hello\n');
  refused(await api(ts, 'PUT', `${doc('e/doc')}/import`, { token: reader, type: 'text/markdown', body: 'overwritten' }), 403, 'forbidden');
  refused(await api(ts, 'POST', `${doc('e/doc')}/versions/${versionId}/restore`, { token: reader }), 403, 'forbidden');
  refused(await api(ts, 'GET', `${doc('e/doc')}/versions`, { token: reader }), 403, 'forbidden');
  refused(await api(ts, 'POST', `${doc('e/doc')}/versions`, { token: reader, type: 'application/json', body: '{"name":"x"}' }), 403, 'forbidden');
  refused(await api(ts, 'DELETE', doc('e/doc'), { token: reader }), 403, 'forbidden');
  assert.equal((await api(ts, 'GET', `${doc('e/doc')}/export?format=txt`, { token: writer })).text, 'hello\n', 'nothing changed');
});
