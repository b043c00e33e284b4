import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { fragmentToJSON, insertJSON, type PMNode } from './yjsJson.js';

const doc: PMNode = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'plain ' },
        { type: 'text', text: 'bold', marks: [{ type: 'bold' }] },
        { type: 'text', text: ' link', marks: [{ type: 'link', attrs: { href: 'https://example.com' } }] },
      ],
    },
    // A host's own node type, unknown to the schema: comes through whole.
    { type: 'callout', attrs: { tone: 'warn' }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'careful' }] }] },
  ],
};

test('ProseMirror JSON → Y.XmlFragment → the same JSON, unknown node types included', () => {
  const ydoc = new Y.Doc();
  const fragment = ydoc.getXmlFragment('default');
  ydoc.transact(() => insertJSON(fragment, 0, doc.content!));
  assert.deepEqual(fragmentToJSON(fragment), doc);
  // And through an update into another document.
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(ydoc));
  assert.deepEqual(fragmentToJSON(other.getXmlFragment('default')), doc);
});
