import type { KV } from '../kv/KV.js';
import { nameOfPendingKey, searchIndexKey, searchPendingKey, searchPendingRange, searchTextKey } from '../keys.js';

/** What search keeps of a document: its title and its plain text, as last indexed. */
export interface SearchText {
  title: string;
  text: string;
}

/**
 * Kinds 'i' (each document's indexed text) and 'q' (the serialized index and the documents
 * indexed since it was written). A document's text is written with its pending mark in one
 * batch, and the index with the removal of the marks it covers, so that after a crash the
 * stored index plus the pending documents is what was indexed: nothing is rebuilt whole.
 */
export interface SearchStore {
  readText(name: string): Promise<SearchText | undefined>;
  /** Stores what was indexed of a document, marking it pending. */
  writeText(name: string, text: SearchText): Promise<void>;
  /** The document is gone from the index (deleted): its text goes, and it is marked pending. */
  dropText(name: string): Promise<void>;
  readIndex(): Promise<Buffer | undefined>;
  /** Stores the serialized index, which holds everything indexed of `covered`: their marks go. */
  writeIndex(data: Buffer, covered: Iterable<string>): Promise<void>;
  /** Documents indexed or dropped since the stored index was written. */
  pending(): Promise<string[]>;
  /** Forgets the stored index (it is rebuilt from the documents at the next start). */
  deleteIndex(): Promise<void>;
}

const EMPTY = Buffer.alloc(0);

export class SearchTexts implements SearchStore {
  constructor(private readonly kv: KV) {}

  async readText(name: string): Promise<SearchText | undefined> {
    const raw = await this.kv.get(searchTextKey(name));
    return raw === undefined ? undefined : (JSON.parse(raw.toString('utf8')) as SearchText);
  }

  writeText(name: string, text: SearchText): Promise<void> {
    return this.kv.write({ type: 'put', key: searchTextKey(name), value: Buffer.from(JSON.stringify(text)) }, { type: 'put', key: searchPendingKey(name), value: EMPTY });
  }

  dropText(name: string): Promise<void> {
    return this.kv.write({ type: 'del', key: searchTextKey(name) }, { type: 'put', key: searchPendingKey(name), value: EMPTY });
  }

  readIndex(): Promise<Buffer | undefined> {
    return this.kv.get(searchIndexKey());
  }

  writeIndex(data: Buffer, covered: Iterable<string>): Promise<void> {
    return this.kv.write({ type: 'put', key: searchIndexKey(), value: data }, ...[...covered].map((name) => ({ type: 'del' as const, key: searchPendingKey(name) })));
  }

  async pending(): Promise<string[]> {
    return (await this.kv.keys(searchPendingRange())).map(nameOfPendingKey);
  }

  deleteIndex(): Promise<void> {
    return this.kv.write({ type: 'del', key: searchIndexKey() });
  }
}
