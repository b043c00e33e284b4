// Issue 26: `PUT …/import` of a .docx written by the other library (`docx`, here): every kind
// of element the editor has comes in as its node, images become the document's own files
// (`/files/<name>/<sha256>`), one over MAX_FILE_BYTES is left out and the answer says so, as it
// says that Word comments are dropped and tracked changes accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AlignmentType, CommentRangeEnd, CommentRangeStart, CommentReference, DeletedTextRun, Document, ExternalHyperlink, HeadingLevel, ImageRun, InsertedTextRun, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import type { PMNode } from '../../src/history/yjsJson.js';
import { api, doc, httpBase } from '../api.js';
import { useTestServer, type TestServer } from '../helpers.js';
import { png } from '../docx.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
let ts: TestServer;
useTestServer((started) => (ts = started), { MAX_FILE_BYTES: '20000' });

const small = png(30, 20, 7);
const large = png(100, 100, 9); // noise: about 30 KB, past MAX_FILE_BYTES

async function wordFile(): Promise<Uint8Array> {
  const revision = { author: 'Carol', date: '2026-01-02T00:00:00Z' };
  const document = new Document({
    styles: {
      paragraphStyles: [
        { id: 'TaskItem', name: 'Task Item', basedOn: 'Normal' },
        { id: 'CodeBlock', name: 'Code Block', basedOn: 'Normal' },
        { id: 'Quote', name: 'Quote', basedOn: 'Normal' },
        { id: 'HorizontalRule', name: 'Horizontal Rule', basedOn: 'Normal' },
      ],
      characterStyles: [{ id: 'InlineCode', name: 'Inline Code', basedOn: 'DefaultParagraphFont' }],
    },
    numbering: {
      config: [
        { reference: 'b', levels: [{ level: 0, format: LevelFormat.BULLET, text: '•', alignment: AlignmentType.LEFT }] },
        { reference: 'n', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.LEFT }] },
      ],
    },
    comments: { children: [{ id: 0, author: 'Dan', children: [new Paragraph('A Word comment')] }] },
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('From Word')] }),
          new Paragraph({
            children: [
              new TextRun({ text: 'bold', bold: true }),
              new TextRun({ text: ' italic', italics: true }),
              new TextRun({ text: ' struck', strike: true }),
              new TextRun({ text: ' marked', highlight: 'yellow' }),
              new TextRun({ text: ' code', style: 'InlineCode' }),
              new TextRun({ text: ' tinted', color: 'FF0000' }),
              new ExternalHyperlink({ link: 'https://example.com/word', children: [new TextRun(' linked')] }),
            ],
          }),
          new Paragraph({ text: 'first bullet', numbering: { reference: 'b', level: 0 } }),
          new Paragraph({ text: 'first number', numbering: { reference: 'n', level: 0 } }),
          new Paragraph({ style: 'TaskItem', children: [new TextRun('☒ finished')] }),
          new Paragraph({ style: 'TaskItem', children: [new TextRun('☐ not yet')] }),
          new Table({
            rows: [
              new TableRow({ tableHeader: true, children: [new TableCell({ children: [new Paragraph('Col')] })] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Val')] })] }),
            ],
          }),
          new Paragraph({ style: 'CodeBlock', children: [new TextRun('let y = 2;')] }),
          new Paragraph({ style: 'Quote', children: [new TextRun('Quoted words')] }),
          new Paragraph({ style: 'HorizontalRule', children: [] }),
          new Paragraph({ children: [new ImageRun({ type: 'png', data: small, transformation: { width: 30, height: 20 } })] }),
          new Paragraph({ children: [new ImageRun({ type: 'png', data: large, transformation: { width: 100, height: 100 } })] }),
          new Paragraph({
            children: [
              new CommentRangeStart(0),
              new TextRun('Commented. '),
              new CommentRangeEnd(0),
              new TextRun({ children: [new CommentReference(0)] }),
              new InsertedTextRun({ text: 'Inserted.', id: 1, ...revision }),
              new DeletedTextRun({ text: 'Deleted.', id: 2, ...revision }),
            ],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

function all(node: PMNode): PMNode[] {
  return [node, ...(node.content ?? []).flatMap(all)];
}

test('a .docx written by the docx library comes in with every kind of element, its image stored', async () => {
  const name = 'docx/import';
  const r = await api(ts, 'PUT', `${doc(name)}/import`, { type: DOCX, body: await wordFile() });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.notes.length, 3, r.text);
  assert.match(r.json.notes.join(' '), /1 image was left out[\s\S]*MAX_FILE_BYTES/);
  assert.match(r.json.notes.join(' '), /Word comments were not imported/);
  assert.match(r.json.notes.join(' '), /Tracked changes were accepted/);

  const json = (await api(ts, 'GET', `${doc(name)}/export?format=json`)).json.doc as PMNode;
  const nodes = all(json);
  const of = (type: string) => nodes.filter((n) => n.type === type);
  const textWith = (mark: string) => nodes.find((n) => n.type === 'text' && n.marks?.some((m) => m.type === mark))?.text;
  assert.equal(of('heading')[0]?.attrs?.level, 2);
  assert.equal(textWith('bold'), 'bold');
  assert.equal(textWith('italic'), ' italic');
  assert.equal(textWith('strike'), ' struck');
  assert.equal(textWith('highlight'), ' marked');
  assert.equal(textWith('code'), ' code');
  assert.equal(nodes.find((n) => n.marks?.some((m) => m.type === 'textStyle' && m.attrs?.color === '#ff0000'))?.text, ' tinted');
  assert.equal(nodes.find((n) => n.marks?.some((m) => m.type === 'link' && m.attrs?.href === 'https://example.com/word'))?.text, ' linked');
  for (const type of ['bulletList', 'orderedList', 'taskList', 'table', 'tableHeader', 'tableCell', 'codeBlock', 'blockquote', 'horizontalRule']) assert.ok(of(type).length > 0, type);
  assert.deepEqual(of('taskItem').map((n) => n.attrs?.checked), [true, false]);
  const text = (n: PMNode): string => (n.type === 'text' ? (n.text ?? '') : (n.content ?? []).map(text).join(''));
  assert.deepEqual(of('taskItem').map(text), ['finished', 'not yet']);
  assert.equal(text(of('codeBlock')[0]!), 'let y = 2;');
  assert.match(text(json), /Commented\. Inserted\./);
  assert.doesNotMatch(text(json), /Deleted\./);

  const images = of('image');
  assert.equal(images.length, 1, 'the image over MAX_FILE_BYTES is left out');
  const sha = createHash('sha256').update(small).digest('hex');
  assert.equal(images[0]!.attrs?.src, `/files/${encodeURIComponent(name)}/${sha}`);
  const file = await fetch(`${httpBase(ts)}${images[0]!.attrs!.src as string}`);
  assert.equal(file.status, 200);
  assert.ok(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(small)), 'the stored file is the image');
});

test('a .docx import appends with mode=append and replaces by default', async () => {
  const name = 'docx/modes';
  const one = await api(ts, 'PUT', `${doc(name)}/import`, { type: 'text/markdown', body: 'Before\n' });
  assert.equal(one.status, 200, one.text);
  const file = await wordFile();
  assert.equal((await api(ts, 'PUT', `${doc(name)}/import?mode=append`, { type: DOCX, body: file })).status, 200);
  assert.match((await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text, /^Before\n\nFrom Word/);
  assert.equal((await api(ts, 'PUT', `${doc(name)}/import`, { type: DOCX, body: file })).status, 200);
  assert.match((await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text, /^From Word/);
});
