import type { KV, KVOp } from '../kv/KV.js';
import { ALL_DOCS, docsAfter, fileKey, fileRange, fileTimeKey, fileTimeRange, nameOfKey, shaOfKey } from '../keys.js';

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

/** A document's uploaded files (files/, the files API). */
export interface FileStore {
  /**
   * Whether this store sees every file and upload time there is. False only with scale-out while
   * Redis is away (an instance knows its own uploads then): nothing is collected meanwhile.
   */
  readonly seesAll: boolean;
  /**
   * Stores an uploaded file under the document, by its SHA-256 (lowercase hex), with the time it
   * was uploaded (ms since the epoch), in the next group-committed batch. Storing it again
   * (uploaded again) renews the time.
   */
  putFile(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void>;
  /** An uploaded file's bytes, or undefined when the document has no such file. */
  readFile(name: string, sha256: string): Promise<Uint8Array | undefined>;
  /** The document's files with their latest upload times, in SHA-256 order; reads no file's bytes. */
  listFiles(name: string): Promise<StoredFile[]>;
  /** Gives stored files that have no upload time one, in the next group-committed batch. */
  setFileTimes(name: string, sha256s: readonly string[], uploadedAt: number): Promise<void>;
  /**
   * Removes files (bytes and times) in the next group-committed batch. With `notUploadedSince`,
   * a copy that was uploaded again after that time (through another instance) stays.
   */
  deleteFiles(name: string, sha256s: readonly string[], notUploadedSince?: number): Promise<void>;
  /** Names of documents with uploaded files, in name (byte) order, after `after`, at most `limit`. */
  listDocumentsWithFiles(options: { after?: string | undefined; limit: number }): Promise<string[]>;
  /** Resolves once everything written so far is written. */
  flush(): Promise<void>;
}

function timeOp(name: string, sha256: string, at: number): KVOp {
  const value = Buffer.allocUnsafe(8);
  value.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(at))));
  return { type: 'put', key: fileTimeKey(name, sha256), value };
}

/** Kinds 'f' (bytes, content-addressed) and 't' (upload times, apart so that listing reads no image). */
export class Files implements FileStore {
  readonly seesAll = true;

  constructor(private readonly kv: KV) {}

  putFile(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void> {
    return this.kv.write({ type: 'put', key: fileKey(name, sha256), value: Buffer.from(bytes) }, timeOp(name, sha256, uploadedAt));
  }

  readFile(name: string, sha256: string): Promise<Uint8Array | undefined> {
    return this.kv.get(fileKey(name, sha256));
  }

  async listFiles(name: string): Promise<StoredFile[]> {
    const [files, times] = await Promise.all([this.kv.keys(fileRange(name)), this.kv.entries(fileTimeRange(name))]);
    const at = new Map(times.map(([k, v]) => [shaOfKey(k), Number(v.readBigUInt64BE(0))]));
    return files.map((k) => {
      const sha256 = shaOfKey(k);
      return { sha256, uploadedAt: at.get(sha256) };
    });
  }

  setFileTimes(name: string, sha256s: readonly string[], uploadedAt: number): Promise<void> {
    return this.kv.writeAll(sha256s.map((sha) => timeOp(name, sha, uploadedAt)));
  }

  deleteFiles(name: string, sha256s: readonly string[]): Promise<void> {
    return this.kv.writeAll(sha256s.flatMap((sha): KVOp[] => [{ type: 'del', key: fileKey(name, sha) }, { type: 'del', key: fileTimeKey(name, sha) }]));
  }

  /** Skips from document to document (one seek per name), keeping those with a file key. */
  async listDocumentsWithFiles({ after, limit }: { after?: string | undefined; limit: number }): Promise<string[]> {
    let gte = docsAfter(after);
    const names: string[] = [];
    while (names.length < limit) {
      const [key] = await this.kv.keys({ gte, lt: ALL_DOCS.lt, limit: 1 });
      if (!key) break;
      const name = nameOfKey(key);
      if ((await this.kv.keys({ ...fileRange(name), limit: 1 })).length > 0) names.push(name);
      gte = docsAfter(name);
    }
    return names;
  }

  flush(): Promise<void> {
    return this.kv.flush();
  }
}
