import * as Y from 'yjs';

/**
 * Stored updates as one (a snapshot): applied in order to a fresh document and encoded, so that
 * it is what encoding the room's own document would give (deleted content collected). One that
 * throws while integrating is left out, and the document rebuilt from the others (it may have
 * half-changed it): such an update was never in the room's document either (WritePipeline drops
 * it). Pure Yjs: runs in the conversion worker (compaction) as well as at load (`heal`).
 */
export function mergeStored(updates: readonly Uint8Array[]): { merged: Uint8Array; dropped: number } {
  const good: Uint8Array[] = [];
  let doc = new Y.Doc();
  try {
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update);
        good.push(update);
      } catch {
        doc.destroy();
        doc = new Y.Doc();
        doc.transact(() => good.forEach((u) => Y.applyUpdate(doc, u)));
      }
    }
    return { merged: Y.encodeStateAsUpdate(doc), dropped: updates.length - good.length };
  } finally {
    doc.destroy();
  }
}
