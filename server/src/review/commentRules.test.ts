// The comment rules read every update of a document that has comments, a writer's too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { COMMENTS, FRAGMENT } from '@tandem/schema';
import { reviewUpdate, type Sender } from './commentRules.js';

const WRITER: Sender = { mode: 'write', identity: { id: 'wes', name: 'Wes' } };

// Before 2026-12-06 the deleted items went into a list as a call's arguments, and past ~100,000
// V8 overflowed its stack: a writer clearing a long document that has comments was refused
// ("the update cannot be checked") and closed, and the deletion lost.
test('a writer deleting 150,000 items of a document with comments is accepted', () => {
  const source = new Y.Doc();
  const text = new Y.XmlText();
  source.getXmlFragment(FRAGMENT).insert(0, [text]);
  // Each character typed before the last one: an item each (they cannot merge).
  source.transact(() => {
    for (let i = 0; i < 150_000; i++) text.insert(0, 'a');
  });
  const server = new Y.Doc();
  server.getMap(COMMENTS);
  Y.applyUpdate(server, Y.encodeStateAsUpdate(source));
  const before = Y.encodeStateVector(source);
  text.delete(0, text.length);
  const update = Y.encodeStateAsUpdate(source, before);
  assert.equal(reviewUpdate(server, update, WRITER), undefined);
});
