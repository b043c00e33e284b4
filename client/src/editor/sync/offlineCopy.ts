import * as Y from 'yjs';
import type { IndexeddbPersistence } from 'y-indexeddb';

/** Updates from the server are written once they pause this long… */
const REMOTE_WRITE_QUIET_MS = 300;
/** …or, during a long burst (someone typing steadily), at least this often. */
const REMOTE_WRITE_MAX_DELAY_MS = 2000;

/**
 * y-indexeddb writes every update to IndexedDB the moment it happens. For updates that came from
 * the server that write sits between a peer's keystroke arriving and the browser painting it
 * (measured: it was all of the editor's extra receive latency over a bare Tiptap page). Those
 * updates are already durable on the server, so they are merged and written in a pause (at
 * most ~2 s later), in one transaction. Our own updates are still written at once: they may exist nowhere else.
 *
 * Returns `flush`, which writes whatever is pending right now (call it on pagehide and before
 * destroying the persistence).
 */
export function deferRemoteWrites(persistence: IndexeddbPersistence, doc: Y.Doc, remoteOrigin: unknown): () => void {
  const store = persistence._storeUpdate;
  let pending: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPendingAt = 0;

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
      // Debounced, so that the write lands in a pause rather than between two keystrokes.
      const now = Date.now();
      if (pending.length === 0) firstPendingAt = now;
      pending.push(update);
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(flush, Math.max(0, Math.min(REMOTE_WRITE_QUIET_MS, firstPendingAt + REMOTE_WRITE_MAX_DELAY_MS - now)));
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
