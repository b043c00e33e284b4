import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import type { TandemSaved } from '../types';

export { MESSAGE_SAVED, readSavedBody as readSaved } from './savedCodec.generated';
const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;

/**
 * The server's state vector if `decoder` (positioned after the message type) holds its sync step 1,
 * else null. Peeks without moving the decoder: y-websocket's own handler reads it next.
 */
export function peekSyncStep1(decoder: decoding.Decoder): Map<number, number> | null {
  const peek = decoding.clone(decoder);
  if (decoding.readVarUint(peek) !== SYNC_STEP_1) return null;
  return Y.decodeStateVector(decoding.readVarUint8Array(peek));
}

export { MESSAGE_SYNC };

/**
 * What the server has on its disk, per Yjs client ID, as far as this client can tell: its sync
 * step 1 (the server's document holds only what is durable), every acknowledgement since, and
 * every update it sent us (it only ever sends what is durable). "Saved" means that for every
 * client ID in our document, including older IDs of ours whose edits were restored from the
 * offline copy, the server's durable clock has reached ours.
 */
export class SavedTracker {
  private readonly durable = new Map<number, number>();
  /**
   * A deletion adds no struct, so no clock shows it: a local update that only deletes keeps us
   * "saving" until the next acknowledgement after it (the server acks every batch holding our
   * updates; an ack for an earlier batch still in flight can end this early, a known limit).
   */
  private unackedDeletion = false;

  constructor(private readonly doc: Y.Doc) {}

  /** Raises the durable clocks (they never go down: the server never loses what it acknowledged). */
  noteDurable(clocks: Map<number, number>): void {
    for (const [client, clock] of clocks) {
      if (clock > (this.durable.get(client) ?? 0)) this.durable.set(client, clock);
    }
  }

  noteAck(clocks: Map<number, number>): void {
    this.unackedDeletion = false;
    this.noteDurable(clocks);
  }

  /** A local transaction that changed the document but added no structs. */
  noteLocalDeletion(): void {
    this.unackedDeletion = true;
  }

  /** True when the server's disk holds everything in our document. */
  isSaved(): boolean {
    if (this.unackedDeletion) return false;
    // store.clients: every client ID we hold structs of; its state is the clock after the last one.
    for (const client of this.doc.store.clients.keys()) {
      if (Y.getState(this.doc.store, client) > (this.durable.get(client) ?? 0)) return false;
    }
    return true;
  }

  /** `data-saved`: saved when nothing is ahead of the server's disk; else saving while connected, local when not. */
  state(connected: boolean): TandemSaved {
    if (this.isSaved()) return 'saved';
    return connected ? 'saving' : 'local';
  }
}
