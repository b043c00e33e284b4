// Issue 26: a .docx import reads an archive from anyone with write access. A corrupt file, a
// password-protected one (an OLE compound file, not a zip) and a zip bomb (sizes declared or
// inflated past MAX_DOCUMENT_BYTES) must each get a clear 4xx, change nothing in the document,
// and leave no conversion worker busy: with MAX_CONVERSION_QUEUE=0 a worker still spinning would
// turn the valid import after them into a 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, doc } from '../api.js';
import { useTestServer, type TestServer } from '../helpers.js';
import { CONTENT_TYPES, RELS, body, text, zip } from '../docx.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const MAX_DOCUMENT_BYTES = 1024 * 1024;
let ts: TestServer;
useTestServer((started) => (ts = started), { MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES), MAX_CONVERSION_QUEUE: '0' });

const word = (xml: string, extra: Parameters<typeof zip>[0] = []) =>
  zip([{ name: '[Content_Types].xml', data: text(CONTENT_TYPES) }, { name: '_rels/.rels', data: text(RELS) }, { name: 'word/document.xml', data: text(body(xml)) }, ...extra]);
const valid = word('<w:p><w:r><w:t>Imported after the bad ones</w:t></w:r></w:p>');
const OLE = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);

const CASES: Array<{ what: string; bytes: Uint8Array; status: number; reason: RegExp }> = [
  { what: 'plain text', bytes: text('not a word document'), status: 415, reason: /not a zip/ },
  { what: 'a password-protected .docx (OLE compound file)', bytes: OLE, status: 415, reason: /encrypted|password/ },
  { what: 'a zip with encrypted entries', bytes: zip([{ name: '[Content_Types].xml', data: text(CONTENT_TYPES), flags: 1 }]), status: 415, reason: /encrypted/ },
  { what: 'a zip that is no Word document', bytes: zip([{ name: 'notes.txt', data: text('hello') }]), status: 415, reason: /not a \.docx/ },
  { what: 'a cut-short archive', bytes: valid.subarray(0, valid.length - 40), status: 422, reason: /cannot be read/ },
  { what: 'a damaged entry', bytes: (() => { const b = Uint8Array.from(valid); b.fill(0xff, 40, 80); return b; })(), status: 422, reason: /cannot be read/ },
  { what: 'a body that is not XML', bytes: zip([{ name: '[Content_Types].xml', data: text(CONTENT_TYPES) }, { name: '_rels/.rels', data: text(RELS) }, { name: 'word/document.xml', data: text('<w:document><<<') }]), status: 422, reason: /cannot be read/ },
  { what: 'a zip bomb declaring 2 GiB', bytes: word('<w:p/>', [{ name: 'word/media/big.bin', data: text('x'), declaredSize: 2 ** 31 }]), status: 413, reason: /MAX_DOCUMENT_BYTES/ },
  { what: 'a zip bomb lying about its size', bytes: word('<w:p/>', [{ name: 'word/media/big.bin', data: new Uint8Array(4 * MAX_DOCUMENT_BYTES), declaredSize: 100 }]), status: 413, reason: /inflates to more than/ },
];

test('bad .docx files get a clear 4xx, leave the document as it was and no worker busy', async () => {
  const name = 'docx/bad';
  const seeded = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/markdown', body: '# Kept\n\nAs it was.\n' });
  assert.equal(seeded.status, 200, seeded.text);
  const before = (await api(ts, 'GET', `${doc(name)}/export?format=json`)).text;
  for (const c of CASES) {
    const r = await api(ts, 'PUT', `${doc(name)}/import`, { type: DOCX, body: c.bytes });
    assert.equal(r.status, c.status, `${c.what}: ${r.text}`);
    assert.equal(typeof r.json?.error, 'string', c.what);
    assert.match(r.json.reason, c.reason, c.what);
  }
  assert.equal((await api(ts, 'GET', `${doc(name)}/export?format=json`)).text, before, 'nothing changed');
  const ok = await api(ts, 'PUT', `${doc(name)}/import?mode=append`, { type: DOCX, body: valid });
  assert.equal(ok.status, 200, ok.text);
  assert.match((await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text, /Kept[\s\S]*Imported after the bad ones/);
});
