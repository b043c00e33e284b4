// What commentCost.mjs and suggestionCost.mjs share: the built server's own Yjs, the paper as an
// editor document, updates made in turn on a copy, and the timing of a check of each.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readTrace } from './trace.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The server's own Yjs (ESM, as its dist imports it): one copy, so that its instanceof checks hold.
export const Y = await import(join(root, 'node_modules', 'yjs', 'dist', 'yjs.mjs'));

/** The paper's text as editor paragraphs (≈105,000 characters). */
export function paper() {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  doc.transact(() => fragment.insert(0, readTrace().endContent.split('\n').map((line) => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(line || ' ')]);
    return p;
  })));
  return doc;
}

/**
 * µs per `check(doc, update)` of `updates`, each applied after it is checked (the check alone
 * timed), five passes; `check` answers undefined to accept, anything else refuses. `mean`: the
 * median pass's mean; `median`: the median single check over all passes (a loaded machine's
 * stalls, tens of ms, weigh on the mean of 200 checks).
 */
export function timeInTurn(base, updates, check) {
  const runs = [];
  const each = [];
  for (let r = 0; r < 5; r++) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
    let us = 0;
    for (const u of updates) {
      const t = performance.now();
      const refusal = check(doc, u);
      const took = (performance.now() - t) * 1000;
      us += took;
      each.push(took);
      if (refusal !== undefined) throw new Error(`refused: ${JSON.stringify(refusal)}`);
      Y.applyUpdate(doc, u);
    }
    runs.push(us / updates.length);
  }
  return { mean: runs.sort((a, b) => a - b)[2], median: each.sort((a, b) => a - b)[each.length >> 1] };
}

/** Updates made one after another on a copy of `server`, each against the state before it. */
export function updatesOf(server, n, make) {
  const local = new Y.Doc();
  Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
  const out = [];
  for (let i = 0; i < n; i++) {
    const sv = Y.encodeStateVector(local);
    local.transact(() => make(local, i));
    out.push(Y.encodeStateAsUpdate(local, sv));
  }
  return out;
}
