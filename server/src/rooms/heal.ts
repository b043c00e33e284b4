import * as Y from 'yjs';
import { StorageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StoredDocument, UpdateStore } from '../storage/kinds/updates.js';

export function corrupt(name: string, cause: unknown): StorageError {
  return new StorageError(`stored document ${JSON.stringify(name)} does not decode`, 'STORE_CORRUPT', { cause });
}

/**
 * The stored updates do not all apply (one decoded but threw while integrating, and was stored
 * before that showed): rebuilds the document from the ones that do, and stores it as one
 * snapshot in their place, so the document opens again with everything else in it.
 */
export async function heal(name: string, store: UpdateStore, logger: Logger, stored: StoredDocument, cause: unknown): Promise<void> {
  if (stored.updates.length < 2) throw corrupt(name, cause);
  const good: Uint8Array[] = [];
  let doc = new Y.Doc();
  for (const update of stored.updates) {
    try {
      Y.applyUpdate(doc, update);
      good.push(update);
    } catch {
      // Dropped; the failed attempt may have half-changed `doc`, so rebuild it from the good ones.
      doc.destroy();
      doc = new Y.Doc();
      for (const u of good) Y.applyUpdate(doc, u);
    }
  }
  const merged = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  await store.compact(name, stored.firstSeq, stored.nextSeq - 1, merged);
  logger.error({ doc: name, dropped: stored.updates.length - good.length, err: cause }, 'stored updates that do not apply were dropped; the document was rebuilt from the rest');
}
