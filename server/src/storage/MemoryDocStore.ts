import { StorageError } from '../errors.js';
import type { DocStore, DocSummary, ShareRecord, StoredDocument, StoredFile, VersionMeta } from './DocStore.js';
import { GroupCommit } from './GroupCommit.js';

type Op =
  | { type: 'put'; name: string; seq: number; update: Uint8Array }
  | { type: 'del'; name: string; seq: number }
  | { type: 'mark'; name: string; mark: string }
  | { type: 'version'; name: string; meta: VersionMeta; body: Uint8Array }
  | { type: 'unversion'; name: string; id: number }
  | { type: 'summary'; name: string; summary: DocSummary }
  | { type: 'file'; name: string; sha256: string; bytes: Uint8Array; uploadedAt: number }
  | { type: 'filetime'; name: string; sha256: string; uploadedAt: number }
  | { type: 'unfile'; name: string; sha256: string }
  | { type: 'share'; name: string; share: ShareRecord }
  | { type: 'unshare'; name: string; id: string }
  | { type: 'drop'; name: string };

interface MemoryDoc {
  updates: Map<number, Uint8Array>;
  versions: Map<number, { meta: VersionMeta; body: Uint8Array }>;
  files?: Map<string, { bytes: Uint8Array; uploadedAt: number | undefined }>;
  shares?: Map<string, ShareRecord>;
  mark?: string;
  summary?: DocSummary;
}

/** An in-memory DocStore with the same batching semantics; for tests of code above storage. */
export class MemoryDocStore implements DocStore {
  private readonly docs = new Map<string, MemoryDoc>();
  private readonly commits = new GroupCommit<Op>(async (ops) => this.apply(ops));
  private opened = false;
  /** Number of batches written, so tests can observe group commit. */
  batches = 0;

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  private ensureOpen(): void {
    if (!this.opened) throw new StorageError('the document store is not open', 'STORE_NOT_OPEN');
  }

  private docOf(name: string): MemoryDoc {
    let doc = this.docs.get(name);
    if (!doc) this.docs.set(name, (doc = { updates: new Map(), versions: new Map() }));
    return doc;
  }

  private apply(ops: Op[]): void {
    this.batches++;
    for (const op of ops) {
      if (op.type === 'drop') {
        this.docs.delete(op.name);
        continue;
      }
      const doc = this.docOf(op.name);
      switch (op.type) {
        case 'mark': doc.mark = op.mark; break;
        case 'put': doc.updates.set(op.seq, op.update.slice()); break;
        case 'del': doc.updates.delete(op.seq); break;
        case 'version': doc.versions.set(op.meta.id, { meta: structuredClone(op.meta), body: op.body.slice() }); break;
        case 'unversion': doc.versions.delete(op.id); break;
        case 'summary': doc.summary = { ...op.summary }; break;
        case 'file': (doc.files ??= new Map()).set(op.sha256, { bytes: op.bytes, uploadedAt: op.uploadedAt }); break;
        case 'filetime': { const f = doc.files?.get(op.sha256); if (f) f.uploadedAt = op.uploadedAt; break; }
        case 'unfile': doc.files?.delete(op.sha256); break;
        case 'share': (doc.shares ??= new Map()).set(op.share.id, { ...op.share }); break;
        case 'unshare': doc.shares?.delete(op.id); break;
      }
    }
  }

  release(): void {
    // nothing kept per document beyond its data
  }

  async load(name: string): Promise<StoredDocument> {
    this.ensureOpen();
    const doc = this.docs.get(name);
    const seqs = [...(doc?.updates.keys() ?? [])].sort((a, b) => a - b);
    return {
      updates: seqs.map((s) => doc!.updates.get(s)!),
      firstSeq: seqs[0] ?? 0,
      nextSeq: seqs.length > 0 ? seqs[seqs.length - 1]! + 1 : 0,
    };
  }

  append(name: string, seq: number, update: Uint8Array): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'put', name, seq, update });
  }

  async readClusterMark(name: string): Promise<string | undefined> {
    this.ensureOpen();
    return this.docs.get(name)?.mark;
  }

  writeClusterMark(name: string, mark: string): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'mark', name, mark });
  }

  putVersion(name: string, meta: VersionMeta, body: Uint8Array): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'version', name, meta, body });
  }

  async listVersions(name: string): Promise<VersionMeta[]> {
    this.ensureOpen();
    const versions = [...(this.docs.get(name)?.versions.values() ?? [])].map((v) => structuredClone(v.meta));
    return versions.sort((a, b) => a.id - b.id);
  }

  async readVersion(name: string, id: number): Promise<Uint8Array | undefined> {
    this.ensureOpen();
    return this.docs.get(name)?.versions.get(id)?.body.slice();
  }

  deleteVersions(name: string, ids: readonly number[]): Promise<void> {
    this.ensureOpen();
    return this.commits.push(...ids.map((id): Op => ({ type: 'unversion', name, id })));
  }

  putFile(name: string, sha256: string, bytes: Uint8Array, uploadedAt: number): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'file', name, sha256, bytes: bytes.slice(), uploadedAt });
  }

  async readFile(name: string, sha256: string): Promise<Uint8Array | undefined> {
    this.ensureOpen();
    return this.docs.get(name)?.files?.get(sha256)?.bytes.slice();
  }

  async listFiles(name: string): Promise<StoredFile[]> {
    this.ensureOpen();
    const files = [...(this.docs.get(name)?.files?.entries() ?? [])].map(([sha256, f]) => ({ sha256, uploadedAt: f.uploadedAt }));
    return files.sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  }

  setFileTimes(name: string, sha256s: readonly string[], uploadedAt: number): Promise<void> {
    this.ensureOpen();
    return this.commits.push(...sha256s.map((sha256): Op => ({ type: 'filetime', name, sha256, uploadedAt })));
  }

  deleteFiles(name: string, sha256s: readonly string[]): Promise<void> {
    this.ensureOpen();
    return this.commits.push(...sha256s.map((sha256): Op => ({ type: 'unfile', name, sha256 })));
  }

  async listDocumentsWithFiles({ after, limit }: { after?: string | undefined; limit: number }): Promise<string[]> {
    this.ensureOpen();
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    return [...this.docs.entries()]
      .filter(([n, d]) => (d.files?.size ?? 0) > 0 && (after === undefined || Buffer.compare(bytes(n), bytes(after)) > 0))
      .map(([n]) => n)
      .sort((a, b) => Buffer.compare(bytes(a), bytes(b)))
      .slice(0, limit);
  }

  putShare(name: string, share: ShareRecord): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'share', name, share: { ...share } });
  }

  async listShares(name: string): Promise<ShareRecord[]> {
    this.ensureOpen();
    const shares = [...(this.docs.get(name)?.shares?.values() ?? [])].map((r) => ({ ...r }));
    return shares.sort((a, b) => (Buffer.from(a.id) < Buffer.from(b.id) ? -1 : 1));
  }

  deleteShare(name: string, id: string): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'unshare', name, id });
  }

  writeSummary(name: string, summary: DocSummary): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'summary', name, summary });
  }

  async readSummary(name: string): Promise<DocSummary | undefined> {
    this.ensureOpen();
    const s = this.docs.get(name)?.summary;
    return s && { ...s };
  }

  async listDocuments({ after, prefix, limit }: { after?: string | undefined; prefix: string; limit: number }): Promise<string[]> {
    this.ensureOpen();
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    return [...this.docs.entries()]
      .filter(([, d]) => d.updates.size > 0)
      .map(([n]) => n)
      .filter((n) => n.startsWith(prefix) && (after === undefined || Buffer.compare(bytes(n), bytes(after)) > 0))
      .sort((a, b) => Buffer.compare(bytes(a), bytes(b)))
      .slice(0, limit);
  }

  deleteDocument(name: string): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'drop', name });
  }

  compact(name: string, firstSeq: number, uptoSeq: number, merged: Uint8Array): Promise<void> {
    this.ensureOpen();
    const ops: Op[] = [];
    for (let seq = firstSeq; seq < uptoSeq; seq++) ops.push({ type: 'del', name, seq });
    ops.push({ type: 'put', name, seq: uptoSeq, update: merged });
    return this.commits.push(...ops);
  }

  flush(): Promise<void> {
    return this.commits.drain();
  }

  async close(): Promise<void> {
    await this.flush();
    this.opened = false;
  }
}
