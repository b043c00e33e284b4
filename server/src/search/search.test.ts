// The pure parts of search: query normalisation (what is refused), snippets (plain text around the
// match, whole words) and a document's searchable text (title apart, one line per block).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { normaliseQuery, termsOf } from './query.js';
import { snippetOf } from './snippet.js';
import { MAX_INDEXED_CHARS, searchTextOf, titleOf } from './documentText.js';
import { SearchIndex } from './SearchIndex.js';

test('queries: letters and digits survive, any other run is one space; nothing left is empty', () => {
  const table: Array<[string, string]> = [
    ['Hello, World!', 'hello world'],
    ['  spaced\tout\n', 'spaced out'],
    ['?!…—', ''],
    ['<script>alert(1)</script>', 'script alert 1 script'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['Ünïcödé straße', 'ünïcödé straße'],
    ['x'.repeat(10_000), 'x'.repeat(10_000)],
  ];
  for (const [raw, normal] of table) assert.equal(normaliseQuery(raw), normal, JSON.stringify(raw.slice(0, 20)));
  assert.deepEqual(termsOf('Rock-and-roll, 1950s.'), ['rock', 'and', 'roll', '1950s']);
  assert.deepEqual(termsOf('...'), []);
});

test('snippets: the first match with its context, cut at whole words, marked where cut', () => {
  const text = `${'alpha beta gamma '.repeat(30)}the quokka smiles ${'delta epsilon '.repeat(30)}`;
  const s = snippetOf(text, ['quokka']);
  assert.ok(s.startsWith('…') && s.endsWith('…'), s);
  assert.ok(s.includes('the quokka smiles'));
  assert.ok(s.length <= 162, `${s.length}`);
  const words = s.slice(1, -1).split(' ');
  assert.ok(text.includes(` ${words[0]} `) && text.includes(` ${words.at(-1)} `), `whole words at both edges: ${s}`);
  // Prefix terms match at word starts only; no match at all gives the start of the text.
  assert.match(snippetOf('the banana and a bandana', ['band']), /bandana/);
  assert.equal(snippetOf('short text\nwith lines', ['absent']), 'short text with lines');
  assert.equal(snippetOf('', ['x']), '');
});

test("a document's searchable text: the title root apart, one line per block, marks dropped, capped", () => {
  const doc = new Y.Doc();
  assert.equal(titleOf(doc), '');
  assert.equal(doc.share.has('title'), false, 'reading an absent title does not define it');
  const fragment = doc.getXmlFragment('default');
  const para = (text: string, marks?: Record<string, unknown>) => {
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    t.insert(0, text, marks);
    p.insert(0, [t]);
    return p;
  };
  const list = new Y.XmlElement('bulletList');
  const item = new Y.XmlElement('listItem');
  item.insert(0, [para('in a list')]);
  list.insert(0, [item]);
  fragment.insert(0, [para('First'), para('bold one', { bold: true }), list]);
  doc.getText('title').insert(0, 'My title');
  assert.deepEqual(searchTextOf(doc), { title: 'My title', text: 'First\nbold one\nin a list' });
  fragment.insert(fragment.length, [para('y'.repeat(MAX_INDEXED_CHARS + 10))]);
  assert.equal(searchTextOf(doc).text.length, MAX_INDEXED_CHARS);
});

test('the index: title matches rank first, every word must match, the filter runs before the limit, it round-trips', () => {
  const index = SearchIndex.empty();
  index.put('a', { title: '', text: 'the heron fishes at dawn' });
  index.put('b', { title: 'Heron', text: 'a bird' });
  for (let i = 0; i < 50; i++) index.put(`filler/${i}`, { title: '', text: `heron number ${i}` });
  assert.equal(index.search('heron', 1, () => true)[0]!.name, 'b');
  assert.deepEqual(index.search('heron dawn', 10, () => true).map((h) => h.name), ['a']);
  // A caller who may read only `a` still gets it, though 51 others rank with it.
  assert.deepEqual(index.search('heron', 1, (name) => name === 'a').map((h) => h.name), ['a']);
  index.put('a', { title: '', text: 'replaced' });
  assert.deepEqual(index.search('dawn', 10, () => true), []);
  index.remove('b');
  const again = SearchIndex.load(index.serialize());
  assert.equal(again.size, 51);
  assert.deepEqual(again.search('replaced', 5, () => true).map((h) => h.name), ['a']);
  assert.throws(() => SearchIndex.load('{"not":"an index"}'));
});
