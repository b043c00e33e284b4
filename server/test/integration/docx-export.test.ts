// Issue 26: `GET …/export?format=docx`, read back by the other library (mammoth): headings,
// lists, tables, links, marks and the embedded image come through; the comment threads are Word
// comments (word/comments.xml) and pending suggestions tracked changes (w:ins/w:del, with authors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mammoth from 'mammoth';
import * as Y from 'yjs';
import { readZip } from '../../src/history/docx/zip.js';
import { insertJSON, type PMNode } from '../../src/history/yjsJson.js';
import { api, doc } from '../api.js';
import { useTestServer, type TestServer } from '../helpers.js';
import { png } from '../docx.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

const t = (text: string, ...marks: PMNode['marks'][]): PMNode => (marks[0] ? { type: 'text', text, marks: marks[0] } : { type: 'text', text });
const p = (...content: PMNode[]): PMNode => ({ type: 'paragraph', content });
const item = (type: string, text: string, attrs?: Record<string, unknown>): PMNode => ({ type, ...(attrs ? { attrs } : {}), content: [p(t(text))] });
const cell = (type: string, text: string): PMNode => ({ type, content: [p(t(text))] });
const suggestion = (author: string) => ({ id: `s-${author.toLowerCase()}-123456`, author, authorId: '', createdAt: Date.UTC(2026, 0, 2) });

test('a .docx export reads back with mammoth, with comments and tracked changes in Word form', async () => {
  const name = 'docx/export';
  const image = png(40, 20);
  const upload = await api(ts, 'POST', `${doc(name)}/files`, { type: 'image/png', body: image });
  assert.equal(upload.status, 201, upload.text);
  const ydoc = new Y.Doc();
  insertJSON(ydoc.getXmlFragment('default'), 0, [
    { type: 'heading', attrs: { level: 1 }, content: [t('Heading one')] },
    p(t('bold', [{ type: 'bold' }]), t(' italic', [{ type: 'italic' }]), t(' struck', [{ type: 'strike' }]), t(' marked', [{ type: 'highlight' }]), t(' red', [{ type: 'textStyle', attrs: { color: '#f00' } }]), t(' sneaky', [{ type: 'textStyle', attrs: { color: 'red; position: fixed' } }]), t(' code', [{ type: 'code' }]), t(' a link', [{ type: 'link', attrs: { href: 'https://example.com/x' } }])),
    { type: 'bulletList', content: [item('listItem', 'bullet one'), item('listItem', 'bullet two')] },
    { type: 'orderedList', content: [item('listItem', 'number one')] },
    { type: 'taskList', content: [item('taskItem', 'done task', { checked: true }), item('taskItem', 'open task', { checked: false })] },
    { type: 'table', content: [{ type: 'tableRow', content: [cell('tableHeader', 'Head')] }, { type: 'tableRow', content: [cell('tableCell', 'Body cell')] }] },
    { type: 'codeBlock', content: [t('const x = 1;\nreturn x;')] },
    { type: 'blockquote', content: [p(t('A quotation'))] },
    { type: 'horizontalRule' },
    { type: 'image', attrs: { src: upload.json.path, alt: 'a picture' } },
    p(t('The commented words stay. '), t('Proposed text', [{ type: 'insertion', attrs: suggestion('Ann') }]), t('Removed text', [{ type: 'deletion', attrs: suggestion('Bob') }])),
  ]);
  const seeded = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'application/vnd.yjs.doc', body: Y.encodeStateAsUpdate(ydoc) });
  assert.equal(seeded.status, 200, seeded.text);
  const thread = await api(ts, 'POST', `${doc(name)}/comments`, { type: 'application/json', body: JSON.stringify({ quote: 'commented words', body: 'Is this right?' }) });
  assert.equal(thread.status, 201, thread.text);
  const reply = await api(ts, 'POST', `${doc(name)}/comments/${thread.json.id}/replies`, { type: 'application/json', body: JSON.stringify({ body: 'Yes, it is.' }) });
  assert.equal(reply.status, 201, reply.text);

  const r = await api(ts, 'GET', `${doc(name)}/export?format=docx`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  assert.match(r.headers.get('content-disposition') ?? '', /\.docx/);
  assert.equal(Buffer.from(r.bytes.subarray(0, 2)).toString('latin1'), 'PK');

  const html = (await mammoth.convertToHtml({ buffer: Buffer.from(r.bytes) }, { styleMap: ['highlight => mark'] })).value;
  for (const [what, re] of [
    ['heading', /<h1>Heading one<\/h1>/],
    ['bold', /<strong>bold<\/strong>/],
    ['italic', /<em> italic<\/em>/],
    ['strike', /<s> struck<\/s>/],
    ['highlight', /<mark> marked<\/mark>/],
    ['link', /<a href="https:\/\/example.com\/x"> a link<\/a>/],
    ['bullet list', /<ul><li>bullet one<\/li><li>bullet two<\/li><\/ul>/],
    ['numbered list', /<ol><li>number one<\/li><\/ol>/],
    ['task items', /☒ done task[\s\S]*☐ open task/],
    ['table', /<table><thead><tr><th><p>Head<\/p><\/th><\/tr><\/thead><tbody><tr><td><p>Body cell<\/p><\/td><\/tr><\/tbody><\/table>/],
    ['code block', /const x = 1;<br \/>return x;/],
    ['quote', /A quotation/],
    ['embedded image', /<img alt="a picture" src="data:image\/png;base64,/],
  ] as const) assert.match(html, re, what);
  assert.ok(html.includes(Buffer.from(image).toString('base64')), 'the image is the uploaded one');

  const parts = readZip(r.bytes, 64 * 1024 * 1024);
  const part = (n: string) => new TextDecoder().decode(parts.get(n) ?? new Uint8Array());
  const comments = part('word/comments.xml');
  assert.match(comments, /<w:comment [^>]*w:id="0"[\s\S]*Is this right\?/);
  assert.match(comments, /<w:comment [^>]*w:id="1"[\s\S]*Yes, it is\./);
  const body = part('word/document.xml');
  assert.match(body, /<w:commentRangeStart w:id="0"\/>[\s\S]*commented words[\s\S]*<w:commentRangeEnd w:id="0"\/>/);
  assert.match(body, /<w:ins [^>]*w:author="Ann"[^>]*>[\s\S]*?Proposed text[\s\S]*?<\/w:ins>/);
  assert.match(body, /<w:del [^>]*w:author="Bob"[^>]*>[\s\S]*?<w:delText[^>]*>Removed text<\/w:delText>[\s\S]*?<\/w:del>/);
  assert.match(body, /<w:ins [^>]*w:date="2026-01-02T00:00:00/);
  assert.match(body, /<w:color w:val="FF0000"\/>/, 'a colour, as hex');
  assert.doesNotMatch(body, /position/, 'what is not a colour is dropped');
});
