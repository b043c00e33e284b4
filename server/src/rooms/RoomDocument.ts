import * as Y from 'yjs';
import { encodeSyncStep2 } from '../protocol/messages.js';
import type { Connection } from './Connection.js';
import { JoinLine, LINE_MIN_BYTES } from './JoinLine.js';

/**
 * A compacted document's stored snapshot is applied this long after the load at the latest;
 * normally right after the first fresh joiner has been answered from its bytes.
 */
const APPLY_STORED_AFTER_MS = 50;
/** How long a large document's encoding is held for a burst of joiners (it doubles its memory). */
const FULL_STATE_KEPT_MS = 200;
/**
 * An encoding up to this size is kept while the document does not change, until nobody has asked
 * for it for FULL_STATE_IDLE_MS: a second person opening a document that someone has open (and
 * is reading, not typing) is answered without encoding it again.
 */
const FULL_STATE_SMALL_BYTES = 1 << 20;
const FULL_STATE_IDLE_MS = 30_000;

/**
 * The document of one room as it is read: the Y.Doc, what a peer's sync step 1 is answered, and
 * the whole document as one update (for joiners and exports) — and, for a cold compacted
 * document, its stored snapshot not yet decoded into the Y.Doc. The write pipeline applies
 * updates to `doc`; this unit notices every change and drops what it encoded.
 *
 * Fresh joiners of a cold document get the stored bytes as they are; decoding them into the
 * Y.Doc (tens of ms for a large document in a fresh process, seconds for 20 MB) waits until the
 * first of them has been answered, or APPLY_STORED_AFTER_MS, and then until the line of joiners
 * of a large document (JoinLine) is empty. Everything that reads the Y.Doc goes through `doc`.
 *
 * The whole document is encoded once into one buffer (the update is a view into its sync step 2
 * message) shared by every joiner while the document is unchanged, and dropped on change. It is
 * held for a moment for a large document (a burst of joiners) and while it is in use for one up
 * to 1 MiB; after that only weakly, so that joiners still draining it (sockets that read slowly)
 * keep one copy alive and the next joiner gets that copy, while an open document that nobody
 * joins is not doubled in memory.
 */
export class RoomDocument {
  /**
   * Its guid is the document's name: a guid only names subdocuments, and Yjs's default (a random
   * UUID) costs 31 crypto calls, most of the time a new Y.Doc takes (~80 µs).
   */
  private readonly ydoc: Y.Doc;
  /** The stored snapshot, not yet decoded into `ydoc`. */
  private unapplied: Uint8Array | undefined;
  private applyTimer: NodeJS.Timeout | undefined;
  /** Decoding the stored snapshot waits for the line to empty. */
  private applyQueued = false;
  /** Joiners of a large document, answered in turn. */
  private readonly line = new JoinLine((conn) => this.serveJoiner(conn));
  /** The whole document as one update, while held (a view into `message` once that is made). */
  private state: Uint8Array | undefined;
  /** The sync step 2 message of `state`, once a joiner asked for it. */
  private message: Uint8Array | undefined;
  private dropTimer: NodeJS.Timeout | undefined;
  /** The message after its hold lapsed, while the document is unchanged, and where its update starts. */
  private lapsed: { message: WeakRef<Uint8Array>; stateAt: number } | undefined;

  /**
   * @param applied told once a waiting stored snapshot was decoded (`err` when it did not
   *   decode: the document cannot be served).
   * @param encoded told each time the whole document's sync step 2 is made for joiners (one
   *   serves every joiner at the same state: tandem_first_sync_encodings_total).
   */
  constructor(
    name: string,
    private readonly applied: (err?: unknown) => void,
    private readonly encoded: () => void = () => undefined,
  ) {
    this.ydoc = new Y.Doc({ gc: true, guid: name });
    // Every change of the document, whatever applied it, makes the kept encoding stale.
    this.ydoc.on('afterTransaction', this.afterTransaction);
  }

  /**
   * Takes the stored updates: a single one (a compacted document) is served to fresh joiners as
   * it is and decoded soon; several are applied now (throws when they do not apply).
   */
  load(updates: readonly Uint8Array[]): void {
    if (updates.length === 1) {
      this.unapplied = updates[0]!;
      this.keep(updates[0]!);
      this.applyTimer = setTimeout(this.applySoon, APPLY_STORED_AFTER_MS);
      return;
    }
    this.ydoc.transact(() => {
      for (const update of updates) Y.applyUpdate(this.ydoc, update);
    });
  }

  /** The document, with the stored snapshot applied first if it was still waiting. */
  get doc(): Y.Doc {
    this.applyNow();
    return this.ydoc;
  }

  /** Whether a stored snapshot is still waiting to be decoded (the state vector is not known yet). */
  get waiting(): boolean {
    return this.unapplied !== undefined;
  }

  /** The state vector of what is decoded (call when nothing is `waiting`). */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.ydoc);
  }

  /**
   * Sends a peer what its state vector lacks. Fresh peers (an empty vector), and peers whose
   * vector names none of the document's clients (a new tab that typed first, or a forged
   * vector), get the whole document as the message every joiner shares: a thousand joiners that
   * never read must not pin a thousand copies of a large document. Only that message may pass
   * the output cap, and only as the join's first sync; a first sync whose diff would pass the
   * cap gets it instead (it holds all the diff holds).
   */
  answer(conn: Connection, stateVector: Uint8Array): void {
    const first = conn.firstSync();
    const diff = this.diffFor(stateVector);
    const message = diff && encodeSyncStep2(diff);
    if (message && (!first || conn.fits(message.byteLength))) conn.send(message);
    else if (!first) conn.send(this.wholeMessage());
    else if (this.line.busy || this.whole().byteLength >= LINE_MIN_BYTES) this.line.join(conn);
    else conn.sendShared(this.wholeMessage());
  }

  /** A joiner's turn in the line: the whole document as it is now. */
  private serveJoiner(conn: Connection): void {
    if (!conn.closed) conn.sendShared(this.wholeMessage());
  }

  /** What a peer with `stateVector` lacks, or undefined when that is best sent as the shared whole. */
  private diffFor(stateVector: Uint8Array): Uint8Array | undefined {
    if (stateVector.length === 1 && stateVector[0] === 0) return undefined;
    const doc = this.doc;
    for (const [client, clock] of Y.decodeStateVector(stateVector)) {
      if (clock > 0 && Y.getState(doc.store, client) > 0) return Y.encodeStateAsUpdate(doc, stateVector);
    }
    return undefined;
  }

  /**
   * Decodes the waiting snapshot when the line of joiners is empty: decoding a large document
   * takes seconds in which no socket is written, and the joiners are answered from its bytes.
   * Anything that needs the Y.Doc meanwhile (an update, a diff) decodes it at once (`doc`).
   */
  private readonly applySoon = (): void => {
    if (!this.unapplied || this.applyQueued) return;
    this.applyQueued = true;
    clearTimeout(this.applyTimer);
    // Looked at after this turn: the joiner being answered now may be about to join the line.
    setImmediate(() => this.line.whenIdle(this.applyNow));
  };

  /** Decodes the waiting snapshot into the Y.Doc now (no-op when none waits). */
  readonly applyNow = (): void => {
    const snapshot = this.unapplied;
    if (!snapshot) return;
    this.unapplied = undefined;
    clearTimeout(this.applyTimer);
    // The snapshot's bytes stay the answer for fresh joiners: decoding them changes nothing.
    const { state, message } = this;
    try {
      Y.applyUpdate(this.ydoc, snapshot);
    } catch (err) {
      this.drop();
      this.applied(err);
      return;
    }
    if (state) this.keep(state, message);
    this.applied();
  };

  /** The whole document as one update (shared by the joiners of a burst, and by exports). */
  whole(): Uint8Array {
    // Answered from the stored bytes; decode them once the joiners in line have theirs.
    if (this.unapplied) this.applySoon();
    if (this.state) {
      if (this.state.byteLength <= FULL_STATE_SMALL_BYTES) this.dropTimer?.refresh();
      return this.state;
    }
    const message = this.lapsed?.message.deref();
    if (message) return this.keep(message.subarray(this.lapsed!.stateAt), message);
    // Still waiting to be decoded (the line of joiners is not empty), the stored snapshot is the
    // whole document: the Y.Doc does not hold it yet. (Encoding the Y.Doc here sent the late
    // joiners of a cold storm an empty document once the hold had lapsed and its message was
    // collected: a busy machine, 2026-12-06.)
    if (this.unapplied) return this.keep(this.unapplied);
    return this.keep(Y.encodeStateAsUpdate(this.ydoc));
  }

  /** The sync step 2 message of the whole document: the same bytes for every joiner while it is unchanged. */
  private wholeMessage(): Uint8Array {
    const state = this.whole();
    if (!this.message) {
      // The update becomes a view into the message: one buffer for both.
      this.message = encodeSyncStep2(state);
      this.encoded();
      this.state = this.message.subarray(this.message.byteLength - state.byteLength);
    }
    return this.message;
  }

  /**
   * Holds `state` (and its message) as the answer for fresh joiners until the document changes,
   * and for a large document only for a moment: long enough for a burst of joiners of a cold
   * document, short enough not to double the memory of a large open document.
   */
  private keep(state: Uint8Array, message?: Uint8Array): Uint8Array {
    this.drop();
    this.state = state;
    this.message = message;
    const ms = state.byteLength <= FULL_STATE_SMALL_BYTES ? FULL_STATE_IDLE_MS : FULL_STATE_KEPT_MS;
    this.dropTimer = setTimeout(this.lapse, ms).unref();
    return state;
  }

  /** The hold ends: the message stays reachable only through the sockets still sending it. */
  private readonly lapse = (): void => {
    const { state, message } = this;
    this.drop();
    if (message) this.lapsed = { message: new WeakRef(message), stateAt: message.byteLength - state!.byteLength };
  };

  /**
   * Drops the kept encoding unless the transaction changed nothing: a peer's answer to the
   * server's sync step 1 always carries its whole delete set, which a reader's editor sends
   * without having changed anything.
   */
  private readonly afterTransaction = (tr: Y.Transaction): void => {
    if ((this.state || this.lapsed) && (tr.deleteSet.clients.size > 0 || !sameState(tr.beforeState, tr.afterState) || hasPending(this.ydoc))) this.drop();
  };

  private readonly drop = (): void => {
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    this.state = undefined;
    this.message = undefined;
    this.lapsed = undefined;
  };

  /** Clears the timers too: they would hold this (and through `applied` the room) until they fire. */
  destroy(): void {
    this.ydoc.off('afterTransaction', this.afterTransaction);
    clearTimeout(this.applyTimer);
    this.line.clear();
    this.unapplied = undefined;
    this.drop();
    this.ydoc.destroy();
  }
}

function sameState(a: Map<number, number>, b: Map<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [client, clock] of a) if (b.get(client) !== clock) return false;
  return true;
}

/** Updates waiting for missing ones are part of the whole-document encoding too. */
function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}
