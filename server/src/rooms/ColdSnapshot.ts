import * as Y from 'yjs';

/**
 * A compacted document's stored snapshot is applied this long after the load at the latest;
 * normally right after the first fresh joiner has been answered from its bytes.
 */
const APPLY_STORED_AFTER_MS = 50;
/** How long fresh joiners share one encoding of the whole document. */
const FULL_STATE_KEPT_MS = 200;

/**
 * The whole document as one update, for joiners that have nothing yet — and, for a cold
 * compacted document, its stored snapshot not yet decoded into the Y.Doc.
 *
 * Fresh joiners of a cold document get the stored bytes as they are; decoding them into the
 * Y.Doc (tens of ms for a large document in a fresh process) waits until the first of them has
 * been answered, or APPLY_STORED_AFTER_MS. Everything that reads the Y.Doc calls `applyNow` first.
 * The whole-document encoding is kept briefly (a burst of joiners shares it) and dropped on change.
 */
export class ColdSnapshot {
  /** The stored snapshot, not yet decoded into `ydoc`. */
  private unapplied: Uint8Array | undefined;
  private applyTimer: NodeJS.Timeout | undefined;
  private fullState: Uint8Array | undefined;
  private dropTimer: NodeJS.Timeout | undefined;

  /**
   * @param applied told once the waiting snapshot was decoded (`err` when it did not decode:
   *   the document cannot be served).
   */
  constructor(
    private readonly ydoc: Y.Doc,
    private readonly applied: (err?: unknown) => void,
  ) {}

  /** Serves `snapshot` (a whole stored document) to fresh joiners and decodes it soon. */
  hold(snapshot: Uint8Array): void {
    this.unapplied = snapshot;
    this.keep(snapshot);
    this.applyTimer = setTimeout(this.applyNow, APPLY_STORED_AFTER_MS);
  }

  /** Whether a stored snapshot is still waiting to be decoded. */
  get waiting(): boolean {
    return this.unapplied !== undefined;
  }

  /** Decodes the waiting snapshot into the Y.Doc now (no-op when none waits). */
  readonly applyNow = (): void => {
    const snapshot = this.unapplied;
    if (!snapshot) return;
    this.unapplied = undefined;
    clearTimeout(this.applyTimer);
    try {
      Y.applyUpdate(this.ydoc, snapshot);
    } catch (err) {
      this.fullState = undefined;
      this.applied(err);
      return;
    }
    this.applied();
  };

  /** The whole document as one update (shared by the joiners of a burst). */
  whole(): Uint8Array {
    // Answered from the stored bytes; decode them as soon as this answer is written.
    if (this.unapplied) setImmediate(this.applyNow);
    return this.fullState ?? this.keep(Y.encodeStateAsUpdate(this.ydoc));
  }

  /** The document changed: the kept encoding is stale. */
  changed(): void {
    this.fullState = undefined;
  }

  /**
   * Keeps `state` as the answer for fresh joiners for a moment (or until the document changes):
   * long enough for a burst of joiners of a cold document, short enough not to double the
   * memory of a large open document.
   */
  private keep(state: Uint8Array): Uint8Array {
    this.fullState = state;
    clearTimeout(this.dropTimer);
    this.dropTimer = setTimeout(this.drop, FULL_STATE_KEPT_MS);
    this.dropTimer.unref();
    return state;
  }

  private readonly drop = (): void => {
    this.fullState = undefined;
  };

  /** Clears the timers too: they hold this (and through `applied` the room) for up to FULL_STATE_KEPT_MS. */
  destroy(): void {
    clearTimeout(this.applyTimer);
    clearTimeout(this.dropTimer);
    this.unapplied = undefined;
    this.fullState = undefined;
  }
}
