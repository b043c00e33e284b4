/**
 * The editor's document operations reproduced in Node: a Y.Doc bound the way the editor binds it
 * (@tiptap/y-tiptap's `updateYFragment`, which the editor's sync plugin calls on every
 * ProseMirror transaction), so tests send exactly the updates a person's edits would, including
 * the format items y-tiptap and Yjs create and clean up around them.
 */
import * as Y from 'yjs';
import { EditorState, TextSelection, type Transaction } from '@tiptap/pm/state';
import type { Mark, Node as PMNode, Schema } from '@tiptap/pm/model';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { DELETION, FRAGMENT, INSERTION, MODIFICATION, tandemSchema } from '@tandem/schema';

export const schema: Schema = tandemSchema();

export interface SuggestionAttrs {
  id: string;
  author: string;
  authorId: string;
  createdAt: number;
}

export class EditorPeer {
  readonly doc = new Y.Doc();
  private readonly meta = { mapping: new Map(), isOMark: new Map() };
  /** Updates this peer made (its edits, and Yjs's clean-ups after remote changes), not yet taken. */
  private outbox: Uint8Array[] = [];

  constructor() {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.outbox.push(update);
    });
  }

  /** Applies another peer's update, as the provider does. */
  receive(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, 'remote');
  }

  /** What this peer sent since the last call, as one update (undefined: nothing). */
  take(): Uint8Array | undefined {
    const out = this.outbox;
    this.outbox = [];
    return out.length === 0 ? undefined : Y.mergeUpdates(out);
  }

  get node(): PMNode {
    return yXmlFragmentToProseMirrorRootNode(this.doc.getXmlFragment(FRAGMENT), schema);
  }

  json(): unknown {
    return this.node.toJSON();
  }

  /** One ProseMirror transaction on the current document, written to the Y.Doc as the binding does. */
  edit(change: (tr: Transaction) => void): Uint8Array | undefined {
    const state = EditorState.create({ schema, doc: this.node });
    const tr = state.tr;
    change(tr);
    updateYFragment(this.doc, this.doc.getXmlFragment(FRAGMENT), tr.doc, this.meta);
    return this.take();
  }

  /** Sets the content from ProseMirror JSON (the first edit of a writer). */
  load(json: unknown): Uint8Array | undefined {
    const doc = schema.nodeFromJSON(json);
    updateYFragment(this.doc, this.doc.getXmlFragment(FRAGMENT), doc, this.meta);
    return this.take();
  }

  /** The document position of the `n`-th occurrence (0-based) of `text`, at its start. */
  find(text: string, n = 0): number {
    let found = -1;
    let seen = 0;
    this.node.descendants((node, pos) => {
      if (found >= 0 || !node.isText) return found < 0;
      let from = 0;
      for (;;) {
        const at = node.text!.indexOf(text, from);
        if (at < 0) break;
        if (seen++ === n) {
          found = pos + at;
          break;
        }
        from = at + 1;
      }
      return found < 0;
    });
    if (found < 0) throw new Error(`no ${JSON.stringify(text)} in the document`);
    return found;
  }
}

export function insertion(attrs: SuggestionAttrs): Mark {
  return schema.marks[INSERTION]!.create(attrs);
}

export function deletion(attrs: SuggestionAttrs): Mark {
  return schema.marks[DELETION]!.create(attrs);
}

export function modification(attrs: SuggestionAttrs, previous = '[]'): Mark {
  return schema.marks[MODIFICATION]!.create({ ...attrs, previous });
}

/** Text typed at `pos` with the marks of the text before it plus `marks` (as the editor types). */
export function typeAt(tr: Transaction, pos: number, text: string, marks: readonly Mark[]): void {
  const inherited = tr.doc.resolve(pos).marks();
  let set = inherited;
  for (const m of marks) set = m.addToSet(set);
  tr.setSelection(TextSelection.create(tr.doc, pos));
  tr.insert(pos, schema.text(text, set));
}

export function paragraphs(...texts: string[]): unknown {
  return { type: 'doc', content: texts.map((t) => ({ type: 'paragraph', content: t ? [{ type: 'text', text: t }] : [] })) };
}
