import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { digest } from './digest.js';
import { exportState, importChange, restoreChange, stateToJSON } from './formats.js';
import { insertJSON, type PMNode } from './yjsJson.js';

function stateOf(content: PMNode[]): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => insertJSON(doc.getXmlFragment('default'), 0, content));
  return Y.encodeStateAsUpdate(doc);
}
const p = (text: string, marks?: PMNode['marks']): PMNode => ({ type: 'paragraph', content: [{ type: 'text', text, ...(marks ? { marks } : {}) }] });

test('a node type the schema does not know survives in json and yjs, and shows as its text in md, html and txt', () => {
  const state = stateOf([p('before'), { type: 'mention', attrs: { id: '7' }, content: [{ type: 'text', text: 'Ada Lovelace' }] }, p('after')]);
  assert.deepEqual(JSON.parse(exportState(state, 'json', '') as string).doc.content[1], { type: 'mention', attrs: { id: '7' }, content: [{ type: 'text', text: 'Ada Lovelace' }] });
  assert.deepEqual(exportState(state, 'yjs', ''), state);
  for (const format of ['md', 'html', 'txt'] as const) assert.match(exportState(state, format, '') as string, /Ada Lovelace/, format);
  assert.equal(exportState(state, 'txt', ''), 'before\n\nAda Lovelace\n\nafter\n');
});

test('HTML export of hostile content is inert: only the schema\'s tags, no script, no handler, no javascript: link', () => {
  const state = stateOf([
    p('<script>alert(1)</script><img src=x onerror=alert(1)>'),
    p('click', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]),
    { type: 'heading', attrs: { level: '1 onclick=alert(1)' }, content: [{ type: 'text', text: 'h' }] },
    { type: 'codeBlock', attrs: { language: '"><script>alert(1)</script>' }, content: [{ type: 'text', text: 'x' }] },
    { type: 'iframe', attrs: { src: 'https://evil.example' }, content: [{ type: 'text', text: 'framed' }] },
  ]);
  const html = exportState(state, 'html', '</title><script>alert(1)</script>') as string;
  const tags = new Set([...html.matchAll(/<\/?([a-z0-9!]+)/gi)].map((m) => m[1]!.toLowerCase()));
  for (const tag of tags) assert.ok(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'p', 'a', 'h1', 'pre', 'code'].includes(tag), `unexpected <${tag}>`);
  assert.doesNotMatch(html, /<[^>]*\son\w+=/i, 'no event handler attribute');
  assert.doesNotMatch(html, /href="\s*javascript:/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /framed/);
});

test('Markdown import replaces the content as one change; append adds after it', () => {
  const state = stateOf([p('old text')]);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  Y.applyUpdate(doc, importChange(state, 'markdown', new TextEncoder().encode('# New\n\nwith **bold**\n'), 'replace'));
  const now = Y.encodeStateAsUpdate(doc);
  assert.equal(exportState(now, 'md', ''), '# New\n\nwith **bold**\n');
  Y.applyUpdate(doc, importChange(now, 'markdown', new TextEncoder().encode('more'), 'append'));
  assert.equal(exportState(Y.encodeStateAsUpdate(doc), 'txt', ''), 'New\n\nwith bold\n\nmore\n');
});

test('restore brings back old content, unknown nodes included, as a change on top of the newer state', () => {
  const old = stateOf([p('one'), { type: 'widget', attrs: { k: 'v' } }, p('two')]);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, old);
  const fragment = doc.getXmlFragment('default');
  doc.transact(() => {
    fragment.delete(1, 2);
    insertJSON(fragment, 1, [p('three')]);
  });
  const newer = Y.encodeStateAsUpdate(doc);
  Y.applyUpdate(doc, restoreChange(newer, old));
  assert.deepEqual(stateToJSON(Y.encodeStateAsUpdate(doc)), stateToJSON(old));
  assert.equal(digest(Y.encodeStateAsUpdate(doc)).hash, digest(old).hash);
  assert.notEqual(digest(newer).hash, digest(old).hash);
});

test('exports keep what their format can: alignment, indentation and underline in HTML, checkbox state in text', () => {
  const state = stateOf([
    { type: 'paragraph', attrs: { textAlign: 'center', indent: 2 }, content: [{ type: 'text', text: 'centred', marks: [{ type: 'underline' }] }] },
    { type: 'taskList', content: [
      { type: 'taskItem', attrs: { checked: true }, content: [p('done')] },
      { type: 'taskItem', attrs: { checked: false }, content: [p('to do')] },
    ] },
  ]);
  const html = exportState(state, 'html', 'notes') as string;
  assert.match(html, /<title>notes<\/title>/);
  assert.match(html, /<p [^>]*style="[^"]*text-align: center/);
  assert.match(html, /<p [^>]*data-indent="2"/);
  assert.match(html, /<u>centred<\/u>/);
  assert.equal(exportState(state, 'txt', ''), 'centred\n\n[x] done\n\n[ ] to do\n');
  // And back: an HTML import keeps alignment and indentation.
  const back = stateToJSON(importChange(stateOf([]), 'html', new TextEncoder().encode(html), 'replace'));
  assert.deepEqual(back.content?.[0]?.attrs, { textAlign: 'center', indent: 2 });
});
