import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import type { IndexeddbPersistence } from 'y-indexeddb';
import { MESSAGE_SAVED, MESSAGE_SYNC, peekSyncStep1, readSaved, SavedTracker } from './savedState';
import type { TandemSaved } from '../types';

type MessageHandler = (encoder: unknown, decoder: Parameters<typeof readSaved>[0], provider: WebsocketProvider, emitSynced: boolean, type: number) => void;

export interface SavedWatch {
  /** The current `data-saved` value. */
  readonly saved: TandemSaved;
  /** Recomputes after something outside changed (the connection status); true if the value changed. */
  recompute(): boolean;
  stop(): void;
}

/**
 * Follows what the server has on its disk (DESIGN.md, "Contract — saved acknowledgement") for one
 * provider connected with `?acks=1`: its sync step 1, its type-100 acknowledgements, and the
 * updates it sends us; calls `onChange` whenever `saved` changes (not on every keystroke).
 */
export function watchSaved(doc: Y.Doc, provider: WebsocketProvider, persistence: IndexeddbPersistence, connected: () => boolean, onChange: () => void): SavedWatch {
  const tracker = new SavedTracker(doc);
  let saved: TandemSaved = tracker.state(connected());
  const recompute = () => {
    const next = tracker.state(connected());
    if (next === saved) return false;
    saved = next;
    return true;
  };
  const update = () => {
    if (recompute()) onChange();
  };

  // y-websocket dispatches by message type through a per-provider table: 100 is ours.
  const handlers = provider.messageHandlers as unknown as MessageHandler[];
  const sync = handlers[MESSAGE_SYNC]!;
  handlers[MESSAGE_SYNC] = (encoder, decoder, p, emitSynced, type) => {
    // The server's sync step 1 is its state vector, and its document holds only what is durable.
    const serverState = peekSyncStep1(decoder);
    sync(encoder, decoder, p, emitSynced, type);
    if (serverState) {
      tracker.noteDurable(serverState);
      update();
    }
  };
  handlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    tracker.noteAck(readSaved(decoder));
    update();
  };

  const handleTransaction = (tr: Y.Transaction) => {
    if (tr.origin === provider) {
      // Everything the server sends is already on its disk.
      const durable = new Map<number, number>();
      for (const [client, clock] of tr.afterState) if (clock !== (tr.beforeState.get(client) ?? 0)) durable.set(client, clock);
      tracker.noteDurable(durable);
    } else if (tr.origin !== persistence && tr.deleteSet.clients.size > 0 && !grew(tr)) {
      tracker.noteLocalDeletion();
    }
    update();
  };
  doc.on('afterTransaction', handleTransaction);

  return {
    get saved() {
      return saved;
    },
    recompute,
    stop: () => doc.off('afterTransaction', handleTransaction),
  };
}

/** Whether a transaction added structs (then a clock shows it; a pure deletion shows in no clock). */
function grew(tr: Y.Transaction): boolean {
  for (const [client, clock] of tr.afterState) if (clock !== (tr.beforeState.get(client) ?? 0)) return true;
  return false;
}
