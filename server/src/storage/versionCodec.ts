import { StorageError } from '../errors.js';
import type { VersionMeta } from './DocStore.js';

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
