import type { Logger } from '../logger.js';
import type { DocSummary, DocumentIndex } from '../storage/kinds/documents.js';
import { authorsKey, DELETED_CHANNEL, DOCS_KEY, fenceKey, leaseKey, logKey, peopleKey, sharesKey, snapKey, summaryKey, versionBodiesKey, versionLeaseKey, versionsKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import type { SharedFiles } from './SharedFiles.js';
import { sharedStep } from './sharedStep.js';

/**
 * Summaries and the document list with scale-out: kept in Redis as well as here, so that every
 * instance lists the same documents; a document may exist only in Redis so far (written through
 * another instance). Deleting removes every kind's Redis keys and tells the other instances.
 */
export class SharedDocuments implements DocumentIndex {
  constructor(
    private readonly local: DocumentIndex,
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly logger: Logger,
    private readonly files: SharedFiles,
  ) {}

  private shared<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    return sharedStep(this.link, this.logger, what, fn);
  }

  async writeSummary(name: string, summary: DocSummary): Promise<void> {
    await this.local.writeSummary(name, summary);
    await this.shared('storing a summary', () => Promise.all([this.link.command(['SET', summaryKey(name), JSON.stringify(summary)]), this.link.command(['ZADD', DOCS_KEY, '0', name])]));
  }

  async readSummary(name: string): Promise<DocSummary | undefined> {
    const raw = await this.shared('reading a summary', () => this.link.command<Buffer | null>(['GET', summaryKey(name)], true));
    if (raw) return JSON.parse(raw.toString('utf8')) as DocSummary;
    return this.local.readSummary(name);
  }

  /** The names Redis knows merged with this instance's own (a new document is listed here before its first summary). */
  async listDocuments(options: { after?: string | undefined; prefix: string; limit: number }): Promise<string[]> {
    const { after, prefix, limit } = options;
    const from = after !== undefined && after >= prefix ? `(${after}` : `[${prefix}`;
    const shared = await this.shared('listing documents', () => this.link.command<Array<Buffer | string>>(['ZRANGEBYLEX', DOCS_KEY, from, '+', 'LIMIT', '0', String(limit)]));
    const mine = await this.local.listDocuments(options);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    const names = new Set([...mine, ...(shared ?? []).map(String).filter((n) => n.startsWith(prefix))]);
    return [...names].sort((a, b) => Buffer.compare(bytes(a), bytes(b))).slice(0, limit);
  }

  /** Here, or in the shared log (asked of Redis without opening the document). */
  async exists(name: string): Promise<boolean> {
    if (await this.local.exists(name)) return true;
    const n = await this.shared('looking a document up', () => this.link.command<number>(['EXISTS', logKey(name), snapKey(name)]));
    return Number(n ?? 0) > 0;
  }

  async deleteDocument(name: string): Promise<void> {
    await this.local.deleteDocument(name);
    await this.shared('deleting a document', async () => {
      await this.link.command(['DEL', logKey(name), snapKey(name), leaseKey(name), fenceKey(name), versionsKey(name), versionBodiesKey(name), summaryKey(name), versionLeaseKey(name), sharesKey(name), peopleKey(name), authorsKey(name)]);
      await this.link.command(['ZREM', DOCS_KEY, name]);
      await this.files.deleteAll(name);
      await this.link.command(['PUBLISH', DELETED_CHANNEL, JSON.stringify({ name, from: this.instance })]);
    });
  }
}
