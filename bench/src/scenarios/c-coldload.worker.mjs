// C's load-generator commands: the automerge-paper trace replayed into Y.Text 't' through a real
// provider, and a fresh provider timed until it holds the document (`cLoad`, which E uses too).
import * as Y from 'yjs';
import { openProvider } from '../clients.mjs';
import { applyEdits, readTrace, traceEdits } from '../trace.mjs';
import { nowMs } from '../util.mjs';

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  return {
    /**
     * Warms up the measuring client's Yjs code (decoding a whole ~300 KB document, reading its
     * text) so that the first server measured does not pay the client's JIT warm-up.
     */
    async cWarm({ tracePath, batch, limit = Infinity }) {
      const edits = traceEdits(readTrace(tracePath), limit);
      const doc = new Y.Doc();
      const text = doc.getText('t');
      for (let i = 0; i < edits.length; i += batch) applyEdits(doc, text, edits, i, batch);
      const state = Y.encodeStateAsUpdate(doc);
      let chars = 0;
      for (let i = 0; i < 5; i++) {
        const copy = new Y.Doc();
        Y.applyUpdate(copy, state);
        chars += copy.getText('t').toString().length;
        copy.destroy();
      }
      doc.destroy();
      return { chars };
    },

    /** Replays the trace into Y.Text 't' through a real provider, `batch` edits per update. */
    async cWrite({ proto, url, name, tracePath, batch, limit = Infinity }) {
      const trace = readTrace(tracePath);
      const edits = traceEdits(trace, limit);
      const doc = new Y.Doc();
      await held.writer(proto, url, name, doc);
      const text = doc.getText('t');
      let updates = 0;
      doc.on('update', () => updates++);
      const t0 = nowMs();
      for (let i = 0; i < edits.length; i += batch) {
        applyEdits(doc, text, edits, i, batch);
        if (i % (batch * 256) === 0) await new Promise((r) => setImmediate(r));
      }
      const final = text.toString();
      const ok = limit < Infinity || final === trace.endContent;
      return { ok, final, updates, edits: edits.length, ms: nowMs() - t0, encodedBytes: Y.encodeStateAsUpdate(doc).length };
    },

    /**
     * Connects a fresh real provider and times until Y.Text 't' has `expectLen` chars
     * (and equals `expected` when given); reports what the first sync held.
     */
    async cLoad({ proto, url, name, expectLen, expected, timeoutMs = 60000, settleMs = 3000, keep = false }) {
      const doc = new Y.Doc();
      const text = doc.getText('t');
      const t0 = nowMs();
      const p = openProvider(proto, url, name, doc);
      let firstSyncLen = null;
      let firstSyncMs = null;
      p.synced.then(() => {
        firstSyncLen = text.length;
        firstSyncMs = nowMs() - t0;
      });
      const matches = () => text.length === expectLen && (expected === undefined || text.toString() === expected);
      let ms = null;
      const end = t0 + timeoutMs;
      let lastLen = -1;
      let lastChange = nowMs();
      while (nowMs() < end) {
        if (firstSyncLen !== null && matches()) {
          ms = nowMs() - t0;
          break;
        }
        if (text.length !== lastLen) {
          lastLen = text.length;
          lastChange = nowMs();
        } else if (firstSyncLen !== null && nowMs() - lastChange > settleMs) {
          break; // synced and nothing changed for settleMs: what we have is all the server has
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      const finalLen = text.length;
      const result = { ms, firstSyncMs, firstSyncLen, finalLen, complete: ms !== null, firstSyncComplete: firstSyncLen === expectLen };
      if (expected !== undefined && ms === null) {
        // count characters missing vs the expected text (cheap: length difference) for the report
        result.missingChars = expectLen - finalLen;
      }
      if (keep) held.provider(p);
      else p.destroy();
      return result;
    },
  };
}
