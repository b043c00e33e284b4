import type { KV, KVOp } from '../kv/KV.js';
import { idOfKey, versionBodyKey, versionKey, versionRange } from '../keys.js';
import { StorageError } from '../../errors.js';

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

/** A version's metadata as stored (the id is in the key). */
export function encodeVersionMeta(meta: VersionMeta): Buffer {
  const { name, createdAt, authors, hash } = meta;
  return Buffer.from(JSON.stringify({ name, createdAt, authors, hash }), 'utf8');
}

export function decodeVersionMeta(id: number, raw: Uint8Array): VersionMeta {
  try {
    const v = JSON.parse(Buffer.from(raw).toString('utf8')) as Omit<VersionMeta, 'id'>;
    return { id, name: v.name ?? null, createdAt: v.createdAt, authors: v.authors ?? [], hash: v.hash ?? '' };
  } catch (err) {
    throw new StorageError(`version ${id} has unreadable metadata`, 'STORE_CORRUPT', { cause: err });
  }
}

/**
 * Kinds 'v' (metadata) and 'b' (bodies), apart so that the history list reads no document
 * states.
 */
export class Versions implements VersionStore {
  constructor(private readonly kv: KV) {}

  putVersion(name: string, meta: VersionMeta, body: Uint8Array): Promise<void> {
    return this.kv.write(
      { type: 'put', key: versionBodyKey(name, meta.id), value: Buffer.from(body) },
      { type: 'put', key: versionKey(name, meta.id), value: encodeVersionMeta(meta) },
    );
  }

  async listVersions(name: string): Promise<VersionMeta[]> {
    return (await this.kv.entries(versionRange(name))).map(([k, v]) => decodeVersionMeta(idOfKey(k), v));
  }

  readVersion(name: string, id: number): Promise<Uint8Array | undefined> {
    return this.kv.get(versionBodyKey(name, id));
  }

  deleteVersions(name: string, ids: readonly number[]): Promise<void> {
    return this.kv.writeAll(ids.flatMap((id): KVOp[] => [{ type: 'del', key: versionKey(name, id) }, { type: 'del', key: versionBodyKey(name, id) }]));
  }
}
