// Which uploaded files a document state refers to: the file collector deletes everything else
// (after its grace period), so a reference missed here is an image lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { insertJSON } from '../history/yjsJson.js';
import { fileRefs } from './fileRefs.js';

const sha = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const url = (n: number, name = 'team%2Fplan') => `/files/${name}/${sha(n)}`;
const refs = (doc: Y.Doc) => [...fileRefs(Y.encodeStateAsUpdate(doc))].sort();

test('an image node\'s src, in the body as the editor writes it, nested in a table too', () => {
  const doc = new Y.Doc();
  insertJSON(doc.getXmlFragment('default'), 0, [
    { type: 'paragraph', content: [{ type: 'text', text: 'hello' }] },
    { type: 'image', attrs: { src: url(1), alt: 'a' } },
    { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'image', attrs: { src: `https://docs.example${url(2)}?token=x` } }] }] }] },
  ]);
  assert.deepEqual(refs(doc), [sha(1), sha(2)]);
});

test('any element attribute, a mark\'s attributes, other root types and text all count', () => {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment('default');
  const custom = new Y.XmlElement('hostWidget');
  custom.setAttribute('data', JSON.stringify({ poster: url(3) }));
  const text = new Y.XmlText();
  text.insert(0, 'see this', { link: { href: url(4, 'other') } });
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [text]);
  body.insert(0, [custom, p]);
  doc.getMap('host').set('cover', { images: [url(5)] });
  const typed = doc.getText('notes');
  // Typed a character at a time: one item per keystroke, joined before searching.
  for (const ch of url(6)) typed.insert(typed.length, ch);
  assert.deepEqual(refs(doc), [sha(3), sha(4), sha(5), sha(6)]);
});

test('deleted content and replaced attribute values do not count; a bare hash or a wrong length does not either', () => {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment('default');
  insertJSON(body, 0, [{ type: 'image', attrs: { src: url(7) } }, { type: 'image', attrs: { src: url(8) } }]);
  (body.get(1) as Y.XmlElement).setAttribute('src', url(9));
  body.delete(0, 1);
  doc.getText('notes').insert(0, `${sha(10)} /files/x/${sha(11)}0 /files/x/${sha(12).slice(1)}`);
  assert.deepEqual(refs(doc), [sha(9)]);
});

test('a version body from another document\'s state, and an empty update', () => {
  assert.deepEqual([...fileRefs(Y.encodeStateAsUpdate(new Y.Doc()))], []);
  const doc = new Y.Doc({ gc: false }); // deleted content kept as it is in the update: still not counted
  insertJSON(doc.getXmlFragment('default'), 0, [{ type: 'image', attrs: { src: url(13) } }, { type: 'image', attrs: { src: url(14) } }]);
  doc.getXmlFragment('default').delete(0, 1);
  assert.deepEqual(refs(doc), [sha(14)]);
});
