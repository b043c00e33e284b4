/** What a room sees of storage. Implementations: LevelDocStore (product), MemoryDocStore (tests). */
export interface StoredDocument {
  /** Updates in sequence order; applying all of them rebuilds the document. */
  updates: Uint8Array[];
  /** Sequence number of the first stored update (0 when there is none). */
  firstSeq: number;
  /** The next free sequence number. */
  nextSeq: number;
}

export interface DocStore {
  open(): Promise<void>;
  readonly isOpen: boolean;
  /** Every stored update of `name`, read in one range scan. Rejects with StorageError. */
  load(name: string): Promise<StoredDocument>;
  /**
   * Appends one update at `seq`. Appends of one tick are group-committed in one atomic batch;
   * the promise resolves once that batch is written (with the configured durability).
   */
  append(name: string, seq: number, update: Uint8Array): Promise<void>;
  /**
   * Replaces updates [firstSeq, uptoSeq] with `merged` stored at `uptoSeq`, in one atomic batch
   * ordered after every append made before the call; later appends are kept.
   */
  compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array): Promise<void>;
  /** The document's cluster mark (scale-out bookkeeping, opaque here), or undefined. */
  readClusterMark(name: string): Promise<string | undefined>;
  /**
   * Stores the document's cluster mark in the next group-committed batch, after every append
   * made before the call.
   */
  writeClusterMark(name: string, mark: string): Promise<void>;
  /** The document's room unloaded: per-document bookkeeping may go until its next load. */
  release(name: string): void;
  /** Resolves once everything appended so far is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
