/**
 * The document body (a Y.XmlFragment as the editor's binding writes it) to ProseMirror JSON and
 * back, without a schema: node types the schema does not know (a host's own extensions) come
 * through whole, so `json` and `yjs` exports and restores never drop them. The encoding is
 * y-tiptap's: an element per node (node name, attributes), an XmlText per run of text whose
 * formatting attributes are the marks (`name` or `name--hash` → the mark's attributes).
 */
import * as Y from 'yjs';
import { commentAttributeKey } from '@tandem/schema';

export interface PMMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface PMNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PMNode[];
  marks?: PMMark[];
  text?: string;
}

export function marksOf(attributes: Record<string, unknown> | undefined): PMMark[] | undefined {
  if (!attributes) return undefined;
  const marks: PMMark[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'ychange' || value === null || value === undefined) continue;
    const type = key.replace(/--[^-]*$/, '');
    const attrs = typeof value === 'object' && Object.keys(value as object).length > 0 ? (value as Record<string, unknown>) : undefined;
    marks.push(attrs ? { type, attrs } : { type });
  }
  return marks.length > 0 ? marks : undefined;
}

function childrenToJSON(children: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>): PMNode[] {
  const out: PMNode[] = [];
  for (const child of children) {
    if (child instanceof Y.XmlElement) out.push(elementToJSON(child));
    else if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
        if (typeof op.insert !== 'string' || op.insert === '') continue;
        const marks = marksOf(op.attributes);
        out.push(marks ? { type: 'text', text: op.insert, marks } : { type: 'text', text: op.insert });
      }
    }
  }
  return out;
}

function elementToJSON(el: Y.XmlElement): PMNode {
  const node: PMNode = { type: el.nodeName };
  const attrs = el.getAttributes() as Record<string, unknown>;
  delete attrs.ychange;
  if (Object.keys(attrs).length > 0) node.attrs = attrs;
  const content = childrenToJSON(el.toArray());
  if (content.length > 0) node.content = content;
  return node;
}

/** The fragment as a ProseMirror `doc` node. */
export function fragmentToJSON(fragment: Y.XmlFragment): PMNode {
  return { type: 'doc', content: childrenToJSON(fragment.toArray()) };
}

function markAttributes(marks: PMMark[] | undefined): Record<string, unknown> | undefined {
  if (!marks || marks.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  // Threads overlap: each comment mark has its own key, as y-tiptap stores a mark that does not
  // exclude itself (the others do: one key per mark name).
  for (const m of marks) out[m.type === 'comment' && typeof m.attrs?.thread === 'string' ? commentAttributeKey(m.attrs.thread) : m.type] = m.attrs ?? {};
  return out;
}

/** Y types for `nodes` (prelim: Yjs applies their content once inserted); runs of text become one XmlText. */
export function jsonToY(nodes: readonly PMNode[]): Array<Y.XmlElement | Y.XmlText> {
  const out: Array<Y.XmlElement | Y.XmlText> = [];
  let text: Y.XmlText | undefined;
  let at = 0;
  for (const node of nodes) {
    if (node.type === 'text') {
      if (typeof node.text !== 'string' || node.text === '') continue;
      if (!text) {
        out.push((text = new Y.XmlText()));
        at = 0;
      }
      text.insert(at, node.text, markAttributes(node.marks) ?? {});
      at += node.text.length;
      continue;
    }
    text = undefined;
    const el = new Y.XmlElement(node.type);
    for (const [k, v] of Object.entries(node.attrs ?? {})) if (v !== null && v !== undefined) el.setAttribute(k, v as string);
    const children = jsonToY(node.content ?? []);
    if (children.length > 0) el.insert(0, children);
    out.push(el);
  }
  return out;
}

/** Inserts `nodes` into the fragment at `index`, inside the caller's transaction. */
export function insertJSON(fragment: Y.XmlFragment, index: number, nodes: readonly PMNode[]): void {
  const types = jsonToY(nodes);
  if (types.length > 0) fragment.insert(index, types);
}
