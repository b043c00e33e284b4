import { getSchema } from '@tiptap/core';
import { DOMSerializer, type Schema } from '@tiptap/pm/model';
import { tandemExtensions } from '@tandem/schema';
import { useEffect, useMemo, useRef } from 'react';
import { loadImages } from './loadImages';
import { diffBlocks, type DiffBlock } from '../../content/blockDiff';
import type { DocNode } from '../../api/TandemApi';

function textOf(node: DocNode): string {
  return node.type === 'text' ? (node.text ?? '') : (node.content ?? []).map(textOf).join(' ');
}

/**
 * A block as the schema can hold it. A host's own node types (kept whole by the server) are not
 * in our schema: they show as a paragraph of their text, as in the text export.
 */
function toNode(schema: Schema, json: DocNode) {
  try {
    return schema.nodeFromJSON(json);
  } catch {
    const text = textOf(json).trim();
    return schema.nodes.paragraph!.create(null, text ? schema.text(text) : null);
  }
}

function render(schema: Schema, blocks: DiffBlock[], doc: Document): DocumentFragment {
  const serializer = DOMSerializer.fromSchema(schema);
  const out = doc.createDocumentFragment();
  for (const { node, change } of blocks) {
    const dom = serializer.serializeNode(toNode(schema, node), { document: doc });
    if (change === 'same') {
      out.append(dom);
      continue;
    }
    // <ins> and <del> take block content: a whole paragraph, list or table is marked as one.
    const mark = doc.createElement(change === 'added' ? 'ins' : 'del');
    mark.className = `tandem-change tandem-change--${change}`;
    mark.title = change === 'added' ? 'Added in this version' : 'Removed in this version';
    mark.append(dom);
    out.append(mark);
  }
  for (const box of out.querySelectorAll('input')) box.disabled = true;
  return out;
}

/**
 * A version rendered with the editor's schema and styles (lists, tables, images, marks), with
 * what it changed since the version before: additions green, removals struck through.
 */
export function VersionPreview({ version, before, imageSrc, fetchInit }: { version: DocNode; before: DocNode | null; imageSrc: (src: string) => string; fetchInit: (url: string) => RequestInit | undefined }) {
  const root = useRef<HTMLDivElement>(null);
  const schema = useMemo(() => getSchema(tandemExtensions({ imageSrc })), [imageSrc]);
  useEffect(() => {
    root.current?.replaceChildren(render(schema, diffBlocks(before, version), window.document));
    return loadImages(root.current, fetchInit);
  }, [schema, version, before, fetchInit]);
  return <div ref={root} className="tandem-doc tandem-history__doc" />;
}
