// What the tests type into: the editor's document body. Tiptap's Collaboration extension keeps
// it in the XmlFragment 'default' as block elements holding XmlText, so the server is exercised
// with the nested types and updates an editor really sends, not a root Y.Text.
import * as Y from 'yjs';

/** The fragment Tiptap binds (client/src/editor: `Collaboration.configure({ fragment })`). */
export const BODY = 'default';

// Every test document starts from one and the same empty paragraph: one update made once by a
// fixed client id, so however many clients apply it, concurrently or not, it is one item and
// the document holds a single paragraph that all of them type into (two clients creating their
// own first paragraph at once would each type into a different one).
const SEED_CLIENT = 0x7fff_fff1;
const SEED = (() => {
  const doc = new Y.Doc();
  doc.clientID = SEED_CLIENT;
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText()]);
  doc.getXmlFragment(BODY).insert(0, [paragraph]);
  return Y.encodeStateAsUpdate(doc);
})();

/** The text of the body's first paragraph, or undefined before the seed paragraph arrived. */
function paragraphText(doc: Y.Doc): Y.XmlText | undefined {
  const first = doc.getXmlFragment(BODY).get(0);
  const text = first instanceof Y.XmlElement ? first.get(0) : undefined;
  return text instanceof Y.XmlText ? text : undefined;
}

/** Plain-text access to the body's paragraph, as a person types it. */
export interface EditorText {
  insert(index: number, text: string): void;
  delete(index: number, length: number): void;
  toString(): string;
  readonly length: number;
}

/**
 * The document's paragraph text. Reading never writes (safe on the server's copy); the first
 * edit applies the seed paragraph in the same transaction, so it costs no update of its own.
 */
export function editorText(doc: Y.Doc): EditorText {
  const writable = (tr: Y.Transaction): Y.XmlText => {
    const existing = paragraphText(doc);
    if (existing) return existing;
    Y.applyUpdate(doc, SEED);
    // Applying an update marks the transaction remote, and a remote transaction that also
    // changes this client's own items makes Yjs pick a new client id (it takes that for a
    // clash), which would orphan the provider's awareness state. This one is ours.
    tr.local = true;
    return paragraphText(doc)!;
  };
  return {
    insert: (index, text) => doc.transact((tr) => writable(tr).insert(index, text)),
    delete: (index, length) => doc.transact((tr) => writable(tr).delete(index, length)),
    toString: () => paragraphText(doc)?.toString() ?? '',
    get length() {
      return paragraphText(doc)?.length ?? 0;
    },
  };
}
