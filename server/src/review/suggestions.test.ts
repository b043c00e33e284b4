// The accepted text of a document with pending suggestions (review/suggestions.ts): as if every
// suggestion were rejected. A container left without children by suggested insertions goes with
// them, since an empty list breaks the schema and the export would fall back to bare text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeBlockSuggestion } from '@tandem/schema';
import { acceptedJSON, hasSuggestions, plainSuggestionsJSON, type JSONNode } from './suggestions.js';

const by = { id: 'sugg-wes-000001', author: 'Wes', authorId: 'wes', createdAt: 1 };
const text = (t: string, ...marks: Array<{ type: string; attrs?: Record<string, unknown> }>): JSONNode => (marks.length ? { type: 'text', text: t, marks } : { type: 'text', text: t });
const p = (...content: JSONNode[]): JSONNode => ({ type: 'paragraph', content });

const doc: JSONNode = {
  type: 'doc',
  content: [
    p(text('Keep '), text('new ', { type: 'insertion', attrs: by }), text('old', { type: 'deletion', attrs: by })),
    p(text('bold now', { type: 'bold' }, { type: 'modification', attrs: { ...by, previous: JSON.stringify([{ type: 'italic' }]) } }, { type: 'comment', attrs: { thread: 't1' } })),
    { type: 'paragraph', attrs: { suggestion: writeBlockSuggestion({ kind: 'insert', ...by }), indent: 0 }, content: [text('A new paragraph')] },
    { type: 'paragraph', attrs: { suggestion: writeBlockSuggestion({ kind: 'delete', ...by }) }, content: [text('A removed paragraph')] },
    { type: 'bulletList', content: [{ type: 'listItem', attrs: { suggestion: writeBlockSuggestion({ kind: 'insert', ...by }) }, content: [p(text('only item'))] }] },
  ],
};

test('the accepted text leaves suggested insertions out and keeps suggested deletions; a modification gets its previous marks back', () => {
  assert.ok(hasSuggestions(doc));
  const accepted = acceptedJSON(doc);
  assert.deepEqual(accepted.content, [
    p(text('Keep '), text('old')),
    p(text('bold now', { type: 'italic' }, { type: 'comment', attrs: { thread: 't1' } })),
    p(text('A removed paragraph')),
  ]);
  assert.equal(hasSuggestions(accepted), false);
});

test('shown as plain text: every suggestion kept as ordinary text and blocks', () => {
  const plain = plainSuggestionsJSON(doc);
  assert.deepEqual(plain.content!.slice(0, 4), [
    p(text('Keep '), text('new '), text('old')),
    p(text('bold now', { type: 'bold' }, { type: 'comment', attrs: { thread: 't1' } })),
    { type: 'paragraph', attrs: { indent: 0 }, content: [text('A new paragraph')] },
    p(text('A removed paragraph')),
  ]);
  assert.equal(hasSuggestions(plain), false);
});

test('a document whose every block is a suggested insertion is one empty paragraph', () => {
  const only: JSONNode = { type: 'doc', content: [doc.content![2]!] };
  assert.deepEqual(acceptedJSON(only), { type: 'doc', content: [{ type: 'paragraph' }] });
});

test('a block whose format a writer proposed to change is its type and attributes before in the accepted text, as it is now when shown', () => {
  const formatted: JSONNode = {
    type: 'doc',
    content: [{ type: 'heading', attrs: { level: 2, textAlign: 'center', suggestion: writeBlockSuggestion({ kind: 'format', ...by, previous: { type: 'paragraph', attrs: { textAlign: null, indent: 1 } } }) }, content: [text('Title')] }],
  };
  assert.ok(hasSuggestions(formatted));
  assert.deepEqual(acceptedJSON(formatted).content, [{ type: 'paragraph', attrs: { textAlign: null, indent: 1 }, content: [text('Title')] }]);
  assert.deepEqual(plainSuggestionsJSON(formatted).content, [{ type: 'heading', attrs: { level: 2, textAlign: 'center' }, content: [text('Title')] }]);
});
