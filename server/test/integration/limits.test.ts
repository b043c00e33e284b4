import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { cleanup, closeCode, connect, editorText, rawSocket, startTestServer, upgradeStatus, waitFor } from '../helpers.js';

test('pings are answered with their data and count against the rate limit: a ping flood is closed with 1013', async () => {
  const ts = await startTestServer({ RATE_LIMIT_PER_SEC: '50', RATE_LIMIT_BURST: '100' });
  const pinger = await rawSocket(ts.url, 'pings');
  const pong = new Promise<Buffer>((resolve) => pinger.once('pong', (data: Buffer) => resolve(data)));
  pinger.ping(Buffer.from('are you there'));
  assert.equal((await pong).toString(), 'are you there');
  const closed = closeCode(pinger);
  for (let i = 0; i < 500; i++) pinger.ping();
  const { code, reason } = await closed;
  assert.equal(code, 1013);
  assert.match(reason, /rate/);
  await ts.stop();
});

test('the rate limit closes a flood with 1013 and spares the others', async () => {
  const ts = await startTestServer({ RATE_LIMIT_PER_SEC: '50', RATE_LIMIT_BURST: '100' });
  const calm = connect(ts.url, 'flood');
  let calmDrops = 0;
  calm.provider.on('connection-close', () => calmDrops++);
  await calm.synced;
  const flooder = await rawSocket(ts.url, 'flood');
  const closed = closeCode(flooder);
  const doc = new Y.Doc();
  const started = performance.now();
  for (let i = 0; i < 500; i++) {
    const before = Y.encodeStateVector(doc);
    editorText(doc).insert(0, 'f');
    flooder.send(encodeUpdate(Y.encodeStateAsUpdate(doc, before)));
  }
  const { code, reason } = await closed;
  // The bucket refills at 50 a second while the flood arrives: on a busy machine that takes long
  // enough for a few more to pass (still far from the 500 sent).
  const refilled = Math.ceil((50 * (performance.now() - started)) / 1000);
  assert.equal(code, 1013);
  assert.match(reason, /rate/);
  // The calm client types once it holds every flood update the server took: typed at the front
  // while some were still on their way, its characters could interleave with them.
  const room = ts.server.registry.get('flood')!;
  await room.idle();
  await waitFor(() => calm.text.toString() === editorText(room.doc).toString(), { what: 'the calm client to have the flood' });
  for (let i = 0; i < 20; i++) calm.text.insert(0, 'c'); // a person typing goes through
  const other = connect(ts.url, 'flood');
  await waitFor(() => other.text.toString().startsWith('c'.repeat(20)), { what: 'the calm client\'s text' });
  assert.equal(calmDrops, 0);
  const received = editorText(room.doc).toString().replaceAll('c', '').length;
  assert.ok(received <= 101 + refilled, `at most the burst and its refill got through (${received}, refill ${refilled})`);
  calm.destroy();
  other.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});

test('ALLOWED_ORIGINS refuses other origins with 403', async () => {
  const ts = await startTestServer({ ALLOWED_ORIGINS: 'https://docs.example.com,http://localhost:5173' });
  assert.equal(await upgradeStatus(ts.url, '/d', { origin: 'https://evil.example.com' }), 403);
  assert.equal(await upgradeStatus(ts.url, '/d', { origin: 'https://docs.example.com' }), 101);
  assert.equal(await upgradeStatus(ts.url, '/d', { origin: 'http://localhost:5173' }), 101);
  assert.equal(await upgradeStatus(ts.url, '/d'), 101, 'non-browser clients send no Origin');
  await ts.stop();
  cleanup(ts.dataDir);
});

test('a frame over MAX_MESSAGE_BYTES is refused with 1009', async () => {
  const ts = await startTestServer({ MAX_MESSAGE_BYTES: '65536' });
  const ws = await rawSocket(ts.url, 'big');
  const closed = closeCode(ws);
  ws.send(new Uint8Array(65537));
  assert.equal((await closed).code, 1009);
  assert.equal(await ts.metric('tandem_connections_closed_total{code="1009"}'), 1);
  await ts.stop();
  cleanup(ts.dataDir);
});

test('connections per IP are capped with 429; behind a proxy only with TRUST_PROXY=1', async () => {
  const ts = await startTestServer({ MAX_CONNECTIONS_PER_IP: '3' });
  const socks = await Promise.all([1, 2, 3].map(() => rawSocket(ts.url, 'ip')));
  assert.equal(await upgradeStatus(ts.url, '/ip'), 429);
  assert.equal(await upgradeStatus(ts.url, '/ip', { 'x-forwarded-for': '203.0.113.9' }), 429, 'X-Forwarded-For is ignored without TRUST_PROXY');
  socks[0]!.close();
  await waitFor(async () => (await upgradeStatus(ts.url, '/ip')) === 101, { what: 'a slot freed' });
  socks.forEach((s) => s.terminate());
  await ts.stop();
  cleanup(ts.dataDir);

  const proxied = await startTestServer({ MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: '1' });
  const a = await rawSocket(proxied.url, 'ip', { 'x-forwarded-for': '198.51.100.1' });
  assert.equal(await upgradeStatus(proxied.url, '/ip', { 'x-forwarded-for': '198.51.100.1' }), 429);
  assert.equal(await upgradeStatus(proxied.url, '/ip', { 'x-forwarded-for': '198.51.100.2' }), 101);
  a.terminate();
  await proxied.stop();
  cleanup(proxied.dataDir);
});

test('open documents are capped with 503', async () => {
  const ts = await startTestServer({ MAX_OPEN_DOCUMENTS: '2', UNLOAD_GRACE_MS: '60000' });
  const a = await rawSocket(ts.url, 'one');
  const b = await rawSocket(ts.url, 'two');
  assert.equal(await upgradeStatus(ts.url, '/three'), 503);
  assert.equal(await upgradeStatus(ts.url, '/one'), 101, 'open documents still take joins');
  a.terminate();
  b.terminate();
  await ts.stop();
  cleanup(ts.dataDir);
});
