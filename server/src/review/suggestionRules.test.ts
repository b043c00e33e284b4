// The suggestion rules for `comment` access (DESIGN.md, "Contract — review: suggestions"), on
// the updates the editor really sends: y-tiptap rewrites format items around every run it
// touches and Yjs cleans up redundant ones (also other people's) after remote changes, so a rule
// that read the items' shape instead of their effect would refuse a commenter's own suggestions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { reviewUpdate, type Sender } from './commentRules.js';
import { EditorPeer, deletion, insertion, modification, paragraphs, schema, typeAt, type SuggestionAttrs } from '../../test/editorPeer.js';

const CORA: Sender = { mode: 'comment', identity: { id: 'cora', name: 'Cora' } };
const WRITER: Sender = { mode: 'write', identity: { id: 'wes', name: 'Wes' } };
const mine: SuggestionAttrs = { id: 'sugg-cora-0001', author: 'Cora', authorId: 'cora', createdAt: 1 };
const theirs: SuggestionAttrs = { id: 'sugg-dana-0001', author: 'Dana', authorId: 'dana', createdAt: 2 };

/** The server's document, a writer and a commenter, all holding `content`. */
function setup(...texts: string[]) {
  const server = new Y.Doc();
  const writer = new EditorPeer();
  Y.applyUpdate(server, writer.load(paragraphs(...texts))!);
  const cora = new EditorPeer();
  cora.receive(Y.encodeStateAsUpdate(server));
  /** Judges `update` by `sender` against the server's document, applying it when accepted. */
  const send = (update: Uint8Array | undefined, sender: Sender = CORA) => {
    assert.ok(update, 'the edit made an update');
    const verdict = reviewUpdate(server, update, sender);
    if (verdict === undefined) {
      Y.applyUpdate(server, update);
      writer.receive(update);
      const cleanup = writer.take(); // the writer's Yjs cleans up after it too
      if (cleanup) {
        Y.applyUpdate(server, cleanup);
        cora.receive(cleanup);
      }
    }
    return verdict;
  };
  return { server, writer, cora, send };
}

function accepted(verdict: ReturnType<typeof reviewUpdate>): void {
  assert.equal(verdict, undefined, JSON.stringify(verdict));
}

function refused(verdict: ReturnType<typeof reviewUpdate>): void {
  assert.ok(verdict && 'refuse' in verdict, `refused: ${JSON.stringify(verdict)}`);
}

test('a commenter may insert text under its own insertion mark, extend it, and delete inside it', () => {
  const { writer, cora, send } = setup('The quick fox.');
  accepted(send(cora.edit((tr) => typeAt(tr, cora.find('fox'), 'brown ', [insertion(mine)]))));
  accepted(send(cora.edit((tr) => typeAt(tr, cora.find('brown ') + 5, 'ish', [insertion(mine)]))));
  accepted(send(cora.edit((tr) => tr.delete(cora.find('ish'), cora.find('ish') + 2))));
  assert.equal(writer.node.textContent, 'The quick brownh fox.');
  // Deleting all of it leaves redundant format items, which Yjs cleans up in the same update.
  accepted(send(cora.edit((tr) => tr.delete(cora.find('brownh '), cora.find('brownh ') + 7))));
  assert.equal(writer.node.textContent, 'The quick fox.');
  assert.deepEqual(writer.json(), cora.json());
});

test('a commenter may mark text for deletion and take its own mark off again', () => {
  const { writer, cora, send } = setup('Keep this sentence.');
  const from = cora.find('this ');
  accepted(send(cora.edit((tr) => tr.addMark(from, from + 5, deletion(mine)))));
  assert.ok(JSON.stringify(writer.json()).includes('"deletion"'));
  accepted(send(cora.edit((tr) => tr.removeMark(from, from + 5, schema.marks.deletion!))));
  assert.ok(!JSON.stringify(writer.json()).includes('"deletion"'));
});

test('a commenter may type into an empty paragraph, and empty it again', () => {
  const { writer, cora, send } = setup('First.', '');
  const empty = cora.node.child(0).nodeSize + 1;
  accepted(send(cora.edit((tr) => typeAt(tr, empty, 'Added', [insertion(mine)]))));
  assert.equal(writer.node.child(1).textContent, 'Added');
  accepted(send(cora.edit((tr) => tr.delete(empty, empty + 5))));
  assert.equal(writer.node.child(1).textContent, '');
});

test("a commenter's Yjs clean-up of other people's redundant format items passes", () => {
  const { server, writer, cora, send } = setup('Some words to format here.');
  accepted(send(cora.edit((tr) => typeAt(tr, cora.find('here'), 'more ', [insertion(mine)]))));
  // Two writers bold neighbouring words at once, so that two format items of theirs meet
  // between them; when the first writer (who never saw the second's) deletes the word between,
  // the commenter's Yjs deletes those format items, now redundant, and sends that.
  const other = new EditorPeer();
  other.receive(Y.encodeStateAsUpdate(server));
  const one = writer.edit((tr) => tr.addMark(writer.find('words'), writer.find('to'), schema.marks.bold!.create()))!;
  const two = other.edit((tr) => tr.addMark(other.find('to'), other.find('format'), schema.marks.bold!.create()))!;
  const three = writer.edit((tr) => tr.delete(writer.find('to'), writer.find('to') + 3))!;
  for (const update of [one, two, three]) {
    accepted(reviewUpdate(server, update, WRITER));
    Y.applyUpdate(server, update);
    cora.receive(update);
  }
  const cleanup = cora.take();
  assert.ok(cleanup, "the commenter's Yjs cleaned up");
  const deleted = [...Y.decodeUpdate(cleanup).ds.clients.keys()];
  assert.ok(deleted.includes(writer.doc.clientID) && deleted.includes(other.doc.clientID), "the clean-up deletes the writers' format items");
  accepted(send(cleanup));
  accepted(send(cora.edit((tr) => typeAt(tr, cora.find('more ') + 5, 'x', [insertion(mine)]))));
  writer.receive(two);
  writer.receive(Y.encodeStateAsUpdate(server));
  assert.deepEqual(writer.json(), cora.json());
});

test('a commenter may not change the text or its blocks other than by its own suggestions', () => {
  const cases: Array<[string, (p: EditorPeer, tr: import('@tiptap/pm/state').Transaction) => void]> = [
    ['plain insert', (p, tr) => typeAt(tr, p.find('fox'), 'red ', [])],
    ["delete someone's text", (p, tr) => tr.delete(p.find('quick'), p.find('quick') + 6)],
    ['add a paragraph', (p, tr) => tr.insert(tr.doc.content.size, schema.nodes.paragraph!.create(null, schema.text('x', [insertion(mine)])))],
    ['split a paragraph', (p, tr) => tr.split(p.find('fox'))],
    ['change a heading level', (_p, tr) => tr.setNodeMarkup(0, schema.nodes.heading!, { level: 2 })],
    ['make text bold', (p, tr) => tr.addMark(p.find('quick'), p.find('quick') + 5, schema.marks.bold!.create())],
    ['suggest formatting', (p, tr) => tr.addMark(p.find('quick'), p.find('quick') + 5, modification(mine))],
    ["insert under another person's mark", (p, tr) => typeAt(tr, p.find('fox'), 'red ', [insertion(theirs)])],
    ['mark a deletion as another person', (p, tr) => tr.addMark(p.find('quick'), p.find('quick') + 5, deletion(theirs))],
    ['claim existing text as its own insertion', (p, tr) => tr.addMark(p.find('quick'), p.find('quick') + 5, insertion(mine))],
  ];
  for (const [name, change] of cases) {
    const { server, cora, send } = setup('The quick fox.');
    const before = Y.encodeStateAsUpdate(server);
    const verdict = send(cora.edit((tr) => change(cora, tr)));
    refused(verdict);
    assert.deepEqual(Y.encodeStateAsUpdate(server), before, `${name}: nothing applied`);
  }
});

test('accepting and rejecting need write access', () => {
  const { writer, cora, send } = setup('One two three.');
  // Another commenter's suggestions, made through the writer's peer for brevity.
  const dana = writer.edit((tr) => {
    typeAt(tr, writer.find('two'), 'and ', [insertion(theirs)]);
  });
  accepted(send(dana, WRITER));
  cora.receive(dana!);
  const del = writer.edit((tr) => tr.addMark(writer.find('three'), writer.find('three') + 5, deletion(theirs)));
  accepted(send(del, WRITER));
  cora.receive(del!);
  for (const change of [
    (tr: import('@tiptap/pm/state').Transaction) => tr.removeMark(0, tr.doc.content.size, schema.marks.insertion!), // accept an insertion
    (tr: import('@tiptap/pm/state').Transaction) => tr.delete(cora.find('and '), cora.find('and ') + 4), // reject an insertion
    (tr: import('@tiptap/pm/state').Transaction) => tr.delete(cora.find('three'), cora.find('three') + 5), // accept a deletion
    (tr: import('@tiptap/pm/state').Transaction) => tr.removeMark(0, tr.doc.content.size, schema.marks.deletion!), // reject a deletion
  ]) {
    const peer = new EditorPeer();
    peer.receive(Y.encodeStateAsUpdate(writer.doc));
    refused(reviewUpdate(writer.doc, peer.edit(change.bind(null))!, CORA));
  }
  // A writer may.
  accepted(send(writer.edit((tr) => tr.removeMark(0, tr.doc.content.size, schema.marks.insertion!)), WRITER));
});

test('an update building on changes the server lacks is missing, not refused', () => {
  const { server, cora, send } = setup('Waiting text.');
  const first = cora.edit((tr) => typeAt(tr, cora.find('text'), 'new ', [insertion(mine)]))!;
  const second = cora.edit((tr) => typeAt(tr, cora.find('new ') + 4, 'er', [insertion(mine)]))!;
  const verdict = reviewUpdate(server, second, CORA);
  assert.ok(verdict && 'missing' in verdict, JSON.stringify(verdict));
  accepted(send(first));
  accepted(send(second));
});
