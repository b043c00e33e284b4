/** What a room sees of storage. Implementations: LevelDocStore (product), MemoryDocStore (tests). */
export interface StoredDocument {
  /** Updates in sequence order; applying all of them rebuilds the document. */
  updates: Uint8Array[];
  /** Sequence number of the first stored update (0 when there is none). */
  firstSeq: number;
  /** The next free sequence number. */
  nextSeq: number;
}

/** Someone who edited between two versions: `verified` when the name came from a token. */
export interface VersionAuthor {
  name: string;
  verified: boolean;
}

/** A version's metadata (its body, the document state, is stored apart). */
export interface VersionMeta {
  /** Unique per document, growing with time (ms since the epoch, bumped past the previous id). */
  id: number;
  /** Set for a version someone named; named versions are never thinned. */
  name: string | null;
  createdAt: number;
  authors: VersionAuthor[];
  /** Hash of the version's content: an identical next version is not stored. */
  hash: string;
}

/** A share link (DESIGN.md, "Contract — access"): kept by the server so that it can be listed and revoked. */
export interface ShareRecord {
  id: string;
  mode: 'read' | 'comment' | 'write';
  createdAt: number;
  /** ms since the epoch; null: never */
  expiresAt: number | null;
  /** The creator's name from their token, if it had one (never put in the link's token). */
  creator: string | null;
}

/** An uploaded file as a document's file list shows it (without its bytes). */
export interface StoredFile {
  /** Lowercase hex. */
  sha256: string;
  /**
   * When it was last uploaded (ms since the epoch); undefined for a file stored before upload
   * times were kept (the file collector gives it one when it first sees it).
   */
  uploadedAt: number | undefined;
}

/** What the document list shows of a document. */
export interface DocSummary {
  /** Text of the first heading ('' without one). */
  title: string;
  /** Bytes of the document's state when the summary was written. */
  size: number;
  updatedAt: number;
}

/** What a room needs of storage: its updates, in order (rooms/). */
export interface UpdateStore {
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
  /** The document's room unloaded: per-document bookkeeping may go until its next load. */
  release(name: string): void;
  /** Resolves once everything appended so far is written. */
  flush(): Promise<void>;
}

/** Scale-out's bookkeeping per document (cluster/). */
export interface ClusterMarkStore {
  /** The document's cluster mark (opaque here), or undefined. */
  readClusterMark(name: string): Promise<string | undefined>;
  /**
   * Stores the document's cluster mark in the next group-committed batch, after every append
   * made before the call.
   */
  writeClusterMark(name: string, mark: string): Promise<void>;
}

/** A document's versions (history/). */
export interface VersionStore {
  /** Stores a version (metadata and body) in the next group-committed batch. */
  putVersion(name: string, meta: VersionMeta, body: Uint8Array): Promise<void>;
  /** The document's versions, oldest first (metadata only). */
  listVersions(name: string): Promise<VersionMeta[]>;
  /** A version's body (one Yjs update), or undefined when there is no such version. */
  readVersion(name: string, id: number): Promise<Uint8Array | undefined>;
  /** Removes versions (metadata and body) in the next group-committed batch. */
  deleteVersions(name: string, ids: readonly number[]): Promise<void>;
}

/** A document's uploaded files (files/, the files API). */
export interface FileStore {
  /**
   * Stores an uploaded file under the document, by its SHA-256 (lowercase hex), with the time it
   * was uploaded (ms since the epoch), in the next group-committed batch. Storing it again
   * (uploaded again) renews the time.
   */
  putFile(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void>;
  /** An uploaded file's bytes, or undefined when the document has no such file. */
  readFile(name: string, sha256: string): Promise<Uint8Array | undefined>;
  /** The document's files with their upload times, in SHA-256 order; reads no file's bytes. */
  listFiles(name: string): Promise<StoredFile[]>;
  /** Sets the upload time of stored files (those that had none), in the next group-committed batch. */
  setFileTimes(name: string, sha256s: readonly string[], uploadedAt: number): Promise<void>;
  /** Removes files (bytes and times) in the next group-committed batch. */
  deleteFiles(name: string, sha256s: readonly string[]): Promise<void>;
  /** Names of documents with uploaded files, in name (byte) order, after `after`, at most `limit`. */
  listDocumentsWithFiles(options: { after?: string | undefined; limit: number }): Promise<string[]>;
  /** Resolves once everything written so far is written. */
  flush(): Promise<void>;
}

/** A document's share links (shares/). */
export interface ShareStore {
  /** Stores (or replaces) a share link's record in the next group-committed batch. */
  putShare(name: string, share: ShareRecord): Promise<void>;
  /** The document's share links, by id. */
  listShares(name: string): Promise<ShareRecord[]>;
  /** Removes a share link's record in the next group-committed batch. */
  deleteShare(name: string, id: string): Promise<void>;
}

/** The list of documents and what removes one whole (the document API). */
export interface DocumentIndex {
  writeSummary(name: string, summary: DocSummary): Promise<void>;
  readSummary(name: string): Promise<DocSummary | undefined>;
  /**
   * Names of stored documents (those with content) in name (byte) order: those after `after`, starting with
   * `prefix` (every name for ''), at most `limit`.
   */
  listDocuments(options: { after?: string | undefined; prefix: string; limit: number }): Promise<string[]>;
  /** Removes every key of the document (updates, versions, marks…) in one atomic batch, after earlier writes. */
  deleteDocument(name: string): Promise<void>;
}

/**
 * All of it over one database, as the server opens it; each part of the server takes only the
 * part it uses.
 */
export interface DocStore extends UpdateStore, ClusterMarkStore, VersionStore, FileStore, ShareStore, DocumentIndex {
  open(): Promise<void>;
  readonly isOpen: boolean;
  close(): Promise<void>;
}
