import { StorageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StoredDocument, UpdateStore } from '../storage/kinds/updates.js';
import { mergeStored } from './mergeStored.js';

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
  const { merged, dropped } = mergeStored(stored.updates);
  await store.compact(name, stored.firstSeq, stored.nextSeq - 1, merged);
  logger.error({ doc: name, dropped, err: cause }, 'stored updates that do not apply were dropped; the document was rebuilt from the rest');
}
