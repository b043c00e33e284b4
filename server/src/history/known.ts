/**
 * Maps ProseMirror JSON onto what the schema knows, for the formats that can only express the
 * schema's nodes (Markdown, HTML, text): a node type or mark the schema does not know (a host's
 * own extension) becomes its text, in a paragraph where a block is expected, so that its
 * content is never silently dropped. Known nodes keep only their children that fit.
 */
import type { ContentMatch, Schema } from '@tiptap/pm/model';
import type { PMNode } from './yjsJson.js';

/** The text of a node and its descendants; blocks separated by newlines. */
export function textOf(node: PMNode): string {
  if (node.type === 'text') return node.text ?? '';
  const parts = (node.content ?? []).map(textOf);
  const inline = (node.content ?? []).every((c) => c.type === 'text');
  return parts.join(inline ? '' : '\n');
}

function paragraph(text: string): PMNode[] {
  return text === '' ? [] : [{ type: 'paragraph', content: [{ type: 'text', text }] }];
}

function convert(node: PMNode, schema: Schema, inTextblock: boolean): PMNode[] {
  if (node.type === 'text') {
    if (!node.text) return [];
    const marks = node.marks?.filter((m) => schema.marks[m.type] !== undefined);
    const out: PMNode = { type: 'text', text: node.text };
    if (marks && marks.length > 0) out.marks = marks;
    return inTextblock ? [out] : paragraph(node.text);
  }
  const type = schema.nodes[node.type];
  if (!type) {
    if (inTextblock) {
      const text = textOf(node).replace(/\n+/g, ' ');
      return text === '' ? [] : [{ type: 'text', text }];
    }
    // Blocks inside an unknown block keep their own form; loose text becomes paragraphs.
    const children = node.content ?? [];
    if (children.length > 0 && children.every((c) => c.type !== 'text')) return children.flatMap((c) => convert(c, schema, false));
    return paragraph(textOf(node));
  }
  if (type.isInline && !type.isText) {
    // hardBreak and friends: only inside a textblock.
    return inTextblock ? [{ type: node.type, ...(node.attrs ? { attrs: node.attrs } : {}) }] : [];
  }
  const textblock = type.isTextblock;
  let content = (node.content ?? []).flatMap((c) => convert(c, schema, textblock));
  if (!textblock && !type.isLeaf) {
    // A container (list, quote) whose children do not fit its content: keep what fits, the rest as text.
    // Matched in order: a list item's nested list fits after its paragraph, not only first.
    let match: ContentMatch | null = type.contentMatch;
    const fitting = content.filter((c) => {
      const t = schema.nodes[c.type];
      const next = t && match ? match.matchType(t) : null;
      if (next) match = next;
      return next !== null;
    });
    if (fitting.length !== content.length) {
      const lost = content.filter((c) => !fitting.includes(c)).map(textOf).join('\n');
      content = fitting;
      if (lost !== '' && schema.nodes.paragraph && type.contentMatch.matchType(schema.nodes.paragraph)) content.push(...paragraph(lost));
    }
  }
  const out: PMNode = { type: node.type };
  if (node.attrs) out.attrs = node.attrs;
  if (content.length > 0) out.content = content;
  if (node.marks) out.marks = node.marks.filter((m) => schema.marks[m.type] !== undefined);
  return [out];
}

/** `doc` as JSON the schema accepts. */
export function toKnown(doc: PMNode, schema: Schema): PMNode {
  const content = (doc.content ?? []).flatMap((c) => convert(c, schema, false));
  return { type: 'doc', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
}
