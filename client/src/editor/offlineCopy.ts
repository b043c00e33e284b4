import * as Y from 'yjs';
import type { IndexeddbPersistence } from 'y-indexeddb';

/** How long updates from the server may wait before they are written to IndexedDB. */
const REMOTE_WRITE_DELAY_MS = 250;

/**
 * y-indexeddb writes every update to IndexedDB the moment it happens. For updates that came from
 * the server that write sits between a peer's keystroke arriving and the browser painting it
 * (measured: it was all of the editor's extra receive latency over a bare Tiptap page). Those
 * updates are already durable on the server, so they are merged and written a little later, in
 * one transaction. Our own updates are still written at once: they may exist nowhere else.
 *
 * Returns `flush`, which writes whatever is pending right now (call it on pagehide and before
 * destroying the persistence).
 */
export function deferRemoteWrites(persistence: IndexeddbPersistence, doc: Y.Doc, remoteOrigin: unknown): () => void {
  const store = persistence._storeUpdate;
  let pending: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const update = pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending);
    pending = [];
    store(update, null);
  };

  const handleUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === remoteOrigin) {
      pending.push(update);
      timer ??= setTimeout(flush, REMOTE_WRITE_DELAY_MS);
    } else {
      store(update, origin);
    }
  };

  doc.off('update', store);
  // persistence.destroy() unsubscribes whatever _storeUpdate holds: keep it pointing at ours.
  persistence._storeUpdate = handleUpdate;
  doc.on('update', handleUpdate);
  return flush;
}
