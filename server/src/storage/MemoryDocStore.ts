import { StorageError } from '../errors.js';
import type { DocStore, StoredDocument } from './DocStore.js';
import { GroupCommit } from './GroupCommit.js';

type Op =
  | { type: 'put'; name: string; seq: number; update: Uint8Array }
  | { type: 'del'; name: string; seq: number }
  | { type: 'mark'; name: string; mark: string };

/** An in-memory DocStore with the same batching semantics; for tests of code above storage. */
export class MemoryDocStore implements DocStore {
  private readonly docs = new Map<string, Map<number, Uint8Array>>();
  private readonly marks = new Map<string, string>();
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

  private apply(ops: Op[]): void {
    this.batches++;
    for (const op of ops) {
      if (op.type === 'mark') {
        this.marks.set(op.name, op.mark);
        continue;
      }
      let doc = this.docs.get(op.name);
      if (!doc) this.docs.set(op.name, (doc = new Map()));
      if (op.type === 'put') doc.set(op.seq, op.update.slice());
      else doc.delete(op.seq);
    }
  }

  release(): void {
    // nothing kept per document beyond its data
  }

  async load(name: string): Promise<StoredDocument> {
    this.ensureOpen();
    const seqs = [...(this.docs.get(name)?.keys() ?? [])].sort((a, b) => a - b);
    const doc = this.docs.get(name);
    return {
      updates: seqs.map((s) => doc!.get(s)!),
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
    return this.marks.get(name);
  }

  writeClusterMark(name: string, mark: string): Promise<void> {
    this.ensureOpen();
    return this.commits.push({ type: 'mark', name, mark });
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
