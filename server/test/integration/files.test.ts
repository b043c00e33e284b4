// Uploaded images (DESIGN.md, HTTP API): content-addressed under their document, recognised by
// their bytes (an SVG or an HTML page declared as image/png is refused, 415), at most
// MAX_FILE_BYTES (413), written with write access and served with read access, with nosniff,
// the detected type and an immutable private cache. Under ALLOWED_ORIGINS a cross-site upload
// is refused before it is read (403).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mintToken } from '../../src/auth/tokens.js';
import { cleanup, startTestServer, type TestServer } from '../helpers.js';

const SECRET = 'files-test-secret-0123456789abcdef';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 300 }, (_, i) => i & 0xff)]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('files', () => {
  let ts: TestServer;
  let base: string;
  let write: string;
  let read: string;
  const doc = 'team/plan ä';
  const upload = (body: Uint8Array, token: string | undefined, type = 'image/png', name = doc, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/docs/${encodeURIComponent(name)}/files`, {
      method: 'POST',
      body: Buffer.from(body),
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });

  before(async () => {
    ts = await startTestServer({ AUTH_SECRET: SECRET, MAX_FILE_BYTES: '4096', ALLOWED_ORIGINS: 'https://app.example' });
    base = `http://127.0.0.1:${ts.port}`;
    write = await mintToken(SECRET, { doc, mode: 'write' }, 600);
    read = await mintToken(SECRET, { doc, mode: 'read' }, 600);
  });
  after(async () => {
    await ts.stop();
    cleanup(ts.dataDir);
  });

  test('an image is stored by its hash and served with the detected type, nosniff and an immutable cache', async () => {
    const res = await upload(PNG, write, 'application/octet-stream'); // the declared type does not matter
    assert.equal(res.status, 201);
    const body = (await res.json()) as { path: string; sha256: string; type: string; size: number };
    assert.deepEqual(body, { path: `/files/${encodeURIComponent(doc)}/${sha(PNG)}`, sha256: sha(PNG), type: 'image/png', size: PNG.length });
    assert.ok(!body.path.includes('token'), 'the stored path carries no token');

    const got = await fetch(`${base}${body.path}?token=${read}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'image/png');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(got.headers.get('cache-control'), 'private, max-age=31536000, immutable');
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), PNG);

    // Survives a restart (LevelDB), and belongs to its document only.
    ts = await ts.restart();
    base = `http://127.0.0.1:${ts.port}`;
    assert.equal((await fetch(`${base}${body.path}`, { headers: { authorization: `Bearer ${read}` } })).status, 200);
    const other = await mintToken(SECRET, { doc: 'other', mode: 'write' }, 600);
    assert.equal((await fetch(`${base}/files/other/${sha(PNG)}?token=${other}`)).status, 404);
  });

  test('SVG and HTML are refused whatever they claim to be (415); over MAX_FILE_BYTES is 413; both say why', async () => {
    for (const [bytes, type] of [[SVG, 'image/svg+xml'], [SVG, 'image/png'], [new TextEncoder().encode('<html><script>x</script>'), 'image/gif']] as const) {
      const res = await upload(bytes, write, type);
      assert.equal(res.status, 415);
      const body = (await res.json()) as { error: string; reason: string };
      assert.equal(body.error, 'unsupported_media_type');
      assert.match(body.reason, /PNG, JPEG, GIF and WebP/);
    }
    const big = new Uint8Array(5000);
    big.set(PNG);
    const res = await upload(big, write);
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { reason: string }).reason, /larger than the 4096 bytes limit/);
  });

  test('uploading needs write access, reading needs read access; other origins cannot upload', async () => {
    assert.equal((await upload(PNG, read)).status, 403);
    assert.equal((await upload(PNG, undefined)).status, 401);
    assert.equal((await upload(PNG, write, 'image/png', 'another doc')).status, 403);
    assert.equal((await fetch(`${base}/files/${encodeURIComponent(doc)}/${sha(PNG)}`)).status, 401);
    const crossSite = await upload(PNG, write, 'image/png', doc, { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.equal((await upload(PNG, write, 'image/png', doc, { origin: 'https://app.example' })).status, 201);
  });
});
