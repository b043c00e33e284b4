/**
 * A document state as compare reads it: the ProseMirror tree of yjsJson.ts, with the Yjs id
 * (client, clock) of every character and element kept, so that a change found by comparing
 * content can be attributed by who wrote (or deleted) the items it consists of.
 */
import * as Y from 'yjs';
import { marksOf, type PMMark } from './yjsJson.js';

/**
 * A run of text of one formatting written by one Yjs client with consecutive clocks: character
 * `i` is the item (client, clock + i). Runs, not characters, so that the unchanged bulk of a
 * large document costs no object per character.
 */
export interface CText {
  text: string;
  marks: PMMark[] | undefined;
  /** The marks as a key: equal keys, equal formatting. */
  mk: string;
  client: number;
  clock: number;
}

/** An element (a block, or an inline node such as an image). */
export interface CNode {
  type: string;
  attrs: Record<string, unknown> | undefined;
  children: CItem[];
  client: number;
  clock: number;
  /** Everything it holds as one string: equal keys, equal content. */
  key: string;
}

export type CItem = CText | CNode;

export const isText = (item: CItem): item is CText => 'text' in item;

function textChars(text: Y.XmlText, out: CItem[]): void {
  const attributes: Record<string, unknown> = {};
  // The item chain, as Y.Text.toDelta walks it: formats switch marks on and off between strings.
  for (let item = (text as unknown as { _start: Y.Item | null })._start; item; item = item.right as Y.Item | null) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentFormat) {
      if (content.value === null) delete attributes[content.key];
      else attributes[content.key] = content.value;
    } else if (content instanceof Y.ContentString) {
      const marks = marksOf(attributes);
      const mk = marks ? JSON.stringify(marks) : '';
      const { client, clock } = item.id;
      const last = out[out.length - 1];
      // Items Yjs kept apart (typed at different times) join when nothing tells them apart here.
      if (last && isText(last) && last.mk === mk && last.client === client && last.clock + last.text.length === clock) last.text += content.str;
      else out.push({ text: content.str, marks, mk, client, clock });
    }
  }
}

function children(types: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>): CItem[] {
  const out: CItem[] = [];
  for (const child of types) {
    if (child instanceof Y.XmlElement) out.push(element(child));
    else if (child instanceof Y.XmlText) textChars(child, out);
  }
  return out;
}

function element(el: Y.XmlElement): CNode {
  const attrs = el.getAttributes() as Record<string, unknown>;
  delete attrs.ychange;
  const kids = children(el.toArray());
  const own = Object.keys(attrs).length > 0 ? attrs : undefined;
  const id = el._item!.id;
  return { type: el.nodeName, attrs: own, children: kids, client: id.client, clock: id.clock, key: keyOf(el.nodeName, own, kids) };
}

function keyOf(type: string, attrs: Record<string, unknown> | undefined, kids: readonly CItem[]): string {
  let key = `<${type} ${attrs ? JSON.stringify(attrs) : ''}>`;
  let mk = '';
  for (const k of kids) {
    if (isText(k)) {
      if (k.mk !== mk) key += `\u0001${(mk = k.mk)}\u0001`;
      key += k.text;
    } else key += k.key;
  }
  return `${key}</>`;
}

/** The document body of a state (one Yjs update) with the ids of its items. */
export function readTree(state: Uint8Array): CNode {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, state);
  const kids = children(doc.getXmlFragment('default').toArray());
  doc.destroy();
  return { type: 'doc', attrs: undefined, children: kids, client: 0, clock: 0, key: '' };
}
