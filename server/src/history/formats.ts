/**
 * Conversions between a document's state (one Yjs update) and the export/import formats, with
 * the editor's own schema (@tandem/schema). Pure functions, run in a worker thread
 * (convert.worker.ts): a large document's conversion never holds up the message path.
 */
import { FRAGMENT, tandemExtensions } from '@tandem/schema';
import { getSchema } from '@tiptap/core';
import { generateHTML, generateJSON } from '@tiptap/html/server';
import { MarkdownManager } from '@tiptap/markdown';
import { Node as ProseMirrorNode, type Schema } from '@tiptap/pm/model';
import * as Y from 'yjs';
import { validateUpdate } from '../protocol/messages.js';
import { acceptedJSON, hasSuggestions, plainSuggestionsJSON } from '../review/suggestions.js';
import { readThreads, restoreThreads } from '../review/threads.js';
import { ConversionError, docOf } from './conversion.js';
import { checkImportLimits } from './importLimits.js';
import { toKnown, textOf } from './known.js';
import { fragmentToJSON, insertJSON, type PMNode } from './yjsJson.js';

export { EXPORT_FORMATS, IMPORT_TYPES, type ExportFormat, type ImportKind, type ImportMode, type SuggestionsView } from './formatTypes.js';
import type { ExportFormat, ImportKind, ImportMode, SuggestionsView } from './formatTypes.js';

let cached: { schema: Schema; markdown: MarkdownManager; extensions: ReturnType<typeof tandemExtensions> } | undefined;
function tools() {
  if (!cached) {
    const extensions = tandemExtensions();
    cached = { extensions, schema: getSchema(extensions), markdown: new MarkdownManager({ extensions }) };
  }
  return cached;
}

/** The body of a state as ProseMirror JSON, every node type kept. */
export function stateToJSON(state: Uint8Array): PMNode {
  const doc = docOf(state);
  try {
    return fragmentToJSON(doc.getXmlFragment(FRAGMENT));
  } finally {
    doc.destroy();
  }
}

/** The JSON as a schema node: unknown types become their text, never dropped (known.ts). */
function knownNode(json: PMNode): ProseMirrorNode {
  const { schema } = tools();
  try {
    const node = ProseMirrorNode.fromJSON(schema, toKnown(json, schema));
    node.check();
    return node;
  } catch {
    // Content that breaks the schema's rules in a way toKnown did not foresee: its text, as paragraphs.
    const paragraphs = textOf(json).split('\n').filter((l) => l !== '').map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] }));
    return ProseMirrorNode.fromJSON(schema, { type: 'doc', content: paragraphs.length > 0 ? paragraphs : [{ type: 'paragraph' }] });
  }
}

/** Plain text has no checkbox: a task item's text starts with `[x] ` or `[ ] ` instead, as Markdown writes it. */
function withCheckboxes(json: PMNode): PMNode {
  const content = json.content?.map(withCheckboxes);
  if (json.type !== 'taskItem' || !content) return content ? { ...json, content } : json;
  const box = { type: 'text', text: json.attrs?.checked === true ? '[x] ' : '[ ] ' };
  const [first, ...rest] = content;
  const lead = first?.type === 'paragraph' ? [{ ...first, content: [box, ...(first.content ?? [])] }] : [{ type: 'paragraph', content: [box] }, ...(first ? [first] : [])];
  return { ...json, content: [...lead, ...rest] };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The body as an export shows it (DESIGN.md, "review: suggestions"): the accepted text, or with
 * `shown` the suggestions as they are (`json`, `html`) or as plain text (`md`, `txt`).
 */
function exportedJSON(json: PMNode, format: ExportFormat, suggestions: SuggestionsView): PMNode {
  if (!hasSuggestions(json)) return json;
  if (suggestions === 'accepted') return acceptedJSON(json);
  return format === 'md' || format === 'txt' ? plainSuggestionsJSON(json) : json;
}

/**
 * Converts a state to `format`. HTML comes from the schema's own serializer, so only its tags.
 * `yjs` is the raw document; the others show pending suggestions as `suggestions` says.
 */
export function exportState(state: Uint8Array, format: ExportFormat, title: string, suggestions: SuggestionsView = 'accepted'): Uint8Array | string {
  if (format === 'yjs') return state;
  if (format === 'docx') throw new Error('a .docx is made by docx/export.ts (its images are read first)');
  if (format === 'json') {
    // The body and its comment threads (DESIGN.md, "review: comments": `{ doc, threads }`).
    const doc = docOf(state);
    try {
      return JSON.stringify({ doc: exportedJSON(fragmentToJSON(doc.getXmlFragment(FRAGMENT)), format, suggestions), threads: readThreads(doc) });
    } finally {
      doc.destroy();
    }
  }
  const json = exportedJSON(stateToJSON(state), format, suggestions);
  const node = knownNode(json);
  if (format === 'txt') {
    const text = knownNode(withCheckboxes(json));
    return text.textBetween(0, text.content.size, '\n\n', (leaf) => (leaf.type.name === 'hardBreak' ? '\n' : '')) + '\n';
  }
  if (format === 'md') return tools().markdown.serialize(node.toJSON() as PMNode) + '\n';
  // The DOM serializer escapes only `&` and `"` in attribute values (as browsers do); `<` and `>`
  // are escaped as well, so that no tag-like text appears anywhere outside the schema's own tags.
  const body = generateHTML(node.toJSON() as Parameters<typeof generateHTML>[0], tools().extensions).replace(/="([^"]*)"/g, (_, v: string) => `="${v.replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`);
  // Defence in depth: even if some markup slipped through, a browser opening the file runs no script.
  return `<!doctype html>\n<html><head><meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https: data:; style-src 'unsafe-inline'">\n<title>${escapeHtml(title)}</title></head>\n<body>\n${body}\n</body></html>\n`;
}

/** Imported content as top-level ProseMirror nodes of the schema. */
export function parseImport(kind: 'markdown' | 'html', text: string): PMNode[] {
  try {
    const json = (kind === 'markdown' ? tools().markdown.parse(text) : generateJSON(text, tools().extensions)) as PMNode;
    return knownNode(json).toJSON().content ?? [];
  } catch (err) {
    throw new ConversionError(`cannot read the ${kind === 'markdown' ? 'Markdown' : 'HTML'}: ${(err as Error).message}`);
  }
}

/**
 * The change that makes the document's body `target` (or appends it): a new Yjs update on top
 * of `current`, by a fresh client ID. Top-level blocks equal at the start and the end are left
 * alone, so a restore touches only what differs (and carets elsewhere stay put).
 */
export function changeTo(current: Uint8Array, target: readonly PMNode[], mode: ImportMode, also?: (doc: Y.Doc) => void): Uint8Array {
  const doc = docOf(current);
  try {
    const before = Y.encodeStateVector(doc);
    const fragment = doc.getXmlFragment(FRAGMENT);
    doc.transact(() => {
      if (mode === 'append') return insertJSON(fragment, fragment.length, target);
      const now = (fragmentToJSON(fragment).content ?? []).map((n) => JSON.stringify(n));
      const want = target.map((n) => JSON.stringify(n));
      let head = 0;
      while (head < now.length && head < want.length && now[head] === want[head]) head++;
      let tail = 0;
      while (tail < now.length - head && tail < want.length - head && now[now.length - 1 - tail] === want[want.length - 1 - tail]) tail++;
      if (now.length - head - tail > 0) fragment.delete(head, now.length - head - tail);
      insertJSON(fragment, head, target.slice(head, target.length - tail));
      also?.(doc);
    });
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}

/** The update an import amounts to: a Yjs update is merged as it is; text formats are converted. */
export function importChange(current: Uint8Array, kind: ImportKind, body: Uint8Array, mode: ImportMode): Uint8Array {
  if (kind === 'yjs') {
    try {
      // The checks an update over the WebSocket passes: decoded whole, no reference ahead of its
      // own client (such an update throws half-way through Y.applyUpdate).
      validateUpdate(body);
    } catch (err) {
      throw new ConversionError(`not a valid Yjs update: ${(err as Error).message}`);
    }
    return body;
  }
  if (kind === 'docx') throw new Error('a .docx is imported by docx/import.ts (its images are stored first)');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  checkImportLimits(kind, text, (reason) => new ConversionError(reason));
  return changeTo(current, parseImport(kind, text), mode);
}

/** The update that brings back a version's content as a new change (the history itself is kept). */
export function restoreChange(current: Uint8Array, version: Uint8Array): Uint8Array {
  const then = docOf(version);
  try {
    // The version's comments come back too, without losing what was written since (review/threads.ts).
    return changeTo(current, fragmentToJSON(then.getXmlFragment(FRAGMENT)).content ?? [], 'replace', (doc) => restoreThreads(doc, then));
  } finally {
    then.destroy();
  }
}

