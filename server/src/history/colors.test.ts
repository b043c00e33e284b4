// Guards contract "hardening" (issue 27, item 6): textStyle's `color` was rendered into `style`
// unchecked, so a writer or an imported Yjs update could lay a full-page overlay over every
// viewer (`red; position: fixed; inset: 0; …`). The schema (shared by the editor and these
// conversions) now accepts only colour values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeColor } from '@tandem/schema';
import * as Y from 'yjs';
import { exportState, importChange, stateToJSON } from './formats.js';
import { insertJSON } from './yjsJson.js';

const EVIL = 'red; position: fixed; inset: 0; z-index: 9999; background: url(https://evil.example/x)';

test('safeColor accepts colours and nothing else', () => {
  for (const ok of ['#abc', '#abcd', '#a1b2c3', '#a1b2c3d4', 'rgb(1, 2, 3)', 'rgba(10%,20%,30%,0.5)', 'red', 'RebeccaPurple', ' #fff ']) {
    assert.equal(safeColor(ok), ok.trim(), ok);
  }
  for (const bad of [EVIL, 'red;', 'url(x)', 'expression(alert(1))', '#ggg', '#12345', 'rgb(1,2)', 'var(--x)', 'red blue', '', 42, null, 'a'.repeat(80)]) {
    assert.equal(safeColor(bad), undefined, String(bad));
  }
});

function stateWithColor(color: string): Uint8Array {
  const doc = new Y.Doc();
  insertJSON(doc.getXmlFragment('default'), 0, [
    { type: 'paragraph', content: [{ type: 'text', text: 'tinted', marks: [{ type: 'textStyle', attrs: { color } }] }] },
  ]);
  return Y.encodeStateAsUpdate(doc);
}

test('a colour attribute that is not a colour never reaches style in an HTML export', () => {
  const bad = exportState(stateWithColor(EVIL), 'html', 't') as string;
  assert.match(bad, /tinted/);
  assert.doesNotMatch(bad, /position|inset|evil\.example/);
  const good = exportState(stateWithColor('#1a73e8'), 'html', 't') as string;
  assert.match(good, /style="color: #1a73e8;?"/);
});

test('HTML import keeps colours and drops anything else in a colour', () => {
  const empty = Y.encodeStateAsUpdate(new Y.Doc());
  const html = new TextEncoder().encode(`<p><span style="color: ${EVIL}">a</span> <span style="color: #00ff00">b</span></p>`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, importChange(empty, 'html', html, 'replace'));
  const json = JSON.stringify(stateToJSON(Y.encodeStateAsUpdate(doc)));
  assert.doesNotMatch(json, /position|inset|evil/);
  assert.match(json, /#00ff00/);
});
