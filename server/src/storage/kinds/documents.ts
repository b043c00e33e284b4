import type { KV, KVOp } from '../kv/KV.js';
import { ALL_DOCS, docRange, docsAfter, nameOfKey, summaryKey, updateRange } from '../keys.js';

/** What the document list shows of a document. */
export interface DocSummary {
  /** Text of the first heading ('' without one). */
  title: string;
  /**
   * The document's stored size when the summary was written: its snapshot plus the updates
   * appended since, as MAX_DOCUMENT_BYTES counts it (files and named versions aside). Known
   * without encoding the document: encoding a 20 MB one took the event loop 0.3–0.7 s, and the
   * summary is written once a second while someone types (before 2026-12-06 it was the encoded
   * state's size).
   */
  size: number;
  updatedAt: number;
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
  /** Whether the document has content stored (anywhere its instances share). Never loads it. */
  exists(name: string): Promise<boolean>;
  /** Removes every key of the document (updates, versions, marks…) in one atomic batch, after earlier writes. */
  deleteDocument(name: string): Promise<void>;
}

/** Kind 's' (summaries), and every kind at once: a document is everything under its prefix. */
export class Documents implements DocumentIndex {
  constructor(
    private readonly kv: KV,
    /** Told after a document's keys were deleted (the update log drops what it kept of it). */
    private readonly onDeleted: (name: string) => void = () => undefined,
  ) {}

  writeSummary(name: string, summary: DocSummary): Promise<void> {
    return this.kv.write({ type: 'put', key: summaryKey(name), value: Buffer.from(JSON.stringify(summary)) });
  }

  async readSummary(name: string): Promise<DocSummary | undefined> {
    const raw = await this.kv.get(summaryKey(name));
    return raw === undefined ? undefined : (JSON.parse(raw.toString('utf8')) as DocSummary);
  }

  /** Skips from document to document: one seek per name, whatever the number of keys under each. */
  async listDocuments({ after, prefix, limit }: { after?: string | undefined; prefix: string; limit: number }): Promise<string[]> {
    const fromPrefix = Buffer.concat([ALL_DOCS.gte, Buffer.from(prefix, 'utf8')]);
    let gte = after !== undefined && Buffer.compare(docsAfter(after), fromPrefix) > 0 ? docsAfter(after) : fromPrefix;
    const names: string[] = [];
    while (names.length < limit) {
      const [key] = await this.kv.keys({ gte, lt: ALL_DOCS.lt, limit: 1 });
      if (!key) break;
      const name = nameOfKey(key);
      if (!name.startsWith(prefix)) break;
      // Only documents with content: a cluster mark alone (a name opened and found empty) is none.
      if (await this.exists(name)) names.push(name);
      gte = docsAfter(name);
    }
    return names;
  }

  async exists(name: string): Promise<boolean> {
    return (await this.kv.keys({ ...updateRange(name), limit: 1 })).length > 0;
  }

  async deleteDocument(name: string): Promise<void> {
    await this.kv.flush();
    const keys = await this.kv.keys(docRange(name));
    await this.kv.writeAll(keys.map((key): KVOp => ({ type: 'del', key })));
    this.onDeleted(name);
  }
}
