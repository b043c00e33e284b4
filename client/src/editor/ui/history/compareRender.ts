import { getSchema } from '@tiptap/core';
import { DOMSerializer, Schema, type MarkSpec } from '@tiptap/pm/model';
import { tandemExtensions } from '@tandem/schema';
import type { DocNode } from '../../api/TandemApi';
import type { Comparison } from './compareApi';

/** Colours of authors, by their index in the answer (CSS: history.css, `data-author-index`). */
export const AUTHOR_COLOURS = 8;

type Json = DocNode & { marks?: Array<{ type: string; attrs?: Record<string, unknown> }> };

function changeMark(tag: 'ins' | 'del'): MarkSpec {
  return {
    attrs: { author: { default: 'Unknown' }, index: { default: 0 }, change: { default: 0 } },
    inclusive: false,
    toDOM: (mark) => [
      tag,
      {
        class: `tandem-compare__${tag}`,
        'data-author': String(mark.attrs.author),
        'data-author-index': String(Number(mark.attrs.index) % AUTHOR_COLOURS),
        'data-change': String(mark.attrs.change),
        title: `${tag === 'ins' ? 'Added' : 'Deleted'} by ${String(mark.attrs.author)}`,
      },
      0,
    ],
  };
}

/** The editor's schema with the two marks of a comparison. */
export function compareSchema(imageSrc: (src: string) => string): Schema {
  const base = getSchema(tandemExtensions({ imageSrc }));
  return new Schema({
    nodes: base.spec.nodes,
    marks: base.spec.marks.addToEnd('compareInsertion', changeMark('ins')).addToEnd('compareDeletion', changeMark('del')),
  });
}

/**
 * The answer's marks carry an author's index: the rendered ones carry the name too. Marks on a
 * block (an empty paragraph, a rule, added or deleted whole) are dropped: only inline content
 * carries marks.
 */
function named(schema: Schema, node: Json, c: Comparison): Json {
  const block = node.type !== 'text' && schema.nodes[node.type]?.isInline !== true;
  const marks = block ? undefined : node.marks?.map((m) => {
    if (m.type !== 'compareInsertion' && m.type !== 'compareDeletion') return m;
    const index = Number(m.attrs?.author ?? 0);
    return { type: m.type, attrs: { author: c.authors[index]?.name ?? 'Unknown', index, change: m.attrs?.change ?? 0 } };
  });
  const { marks: _dropped, ...rest } = node;
  return { ...rest, ...(marks ? { marks } : {}), ...(node.content ? { content: node.content.map((n) => named(schema, n, c)) } : {}) };
}

function textOf(node: DocNode): string {
  return node.type === 'text' ? (node.text ?? '') : (node.content ?? []).map(textOf).join(' ');
}

/** One document with what changed marked; a block the schema cannot hold shows as a paragraph of its text. */
export function renderComparison(schema: Schema, c: Comparison, doc: Document): DocumentFragment {
  const serializer = DOMSerializer.fromSchema(schema);
  const out = doc.createDocumentFragment();
  for (const block of c.doc.content ?? []) {
    let node;
    try {
      node = schema.nodeFromJSON(named(schema, block, c));
    } catch {
      const text = textOf(block).trim();
      node = schema.nodes.paragraph!.create(null, text ? schema.text(text) : null);
    }
    out.append(serializer.serializeNode(node, { document: doc }));
  }
  for (const box of out.querySelectorAll('input')) box.disabled = true;
  return out;
}
