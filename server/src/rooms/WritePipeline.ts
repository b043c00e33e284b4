import * as Y from 'yjs';
import { CloseCode } from '../closeCodes.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './Connection.js';
import { senderOf, type UpdateOrigin } from './origins.js';
import type { ClusterPort } from './ports.js';
import type { StoredLog } from './StoredLog.js';

/** The updates of one room that went into one group-committed store batch. */
export interface Batch {
  /** The store's promise for the batch (appends of one batch share it). */
  written: Promise<void>;
  updates: Uint8Array[];
  /** Their total size. */
  bytes: number;
  /** How many came from another instance (applied and sent when they arrived; only stored here). */
  remote: number;
  /** Origin of each update. */
  origins: UpdateOrigin[];
  lastSeq: number;
  queuedAt: number;
  /** Told once the batch is applied and fanned out (server-made changes wait for that). */
  waiters?: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

export interface PipelineDeps {
  logger: Logger;
  metrics: Metrics;
  compactAfterUpdates: number;
  cluster?: ClusterPort | undefined;
}

/** What the pipeline hands back to its room. */
export interface PipelineRoom {
  readonly name: string;
  /** The document, with a waiting stored snapshot applied first. */
  doc(): Y.Doc;
  /** Whether the room still takes writes (not destroyed, its snapshot decoded). */
  readonly open: boolean;
  /** A batch's local updates are applied to the document: fan them out, acknowledge them. */
  handleApplied(batch: Batch): void;
}

/**
 * The write path of one room (DESIGN.md, "Contract — durability"): updates are appended to the
 * store batch being filled, written in one batch per tick (and, with scale-out, acknowledged by
 * the shared log), and only then applied to the document in one transaction and handed back to
 * the room for fan-out. A batch that fails is never applied; an update that does not apply is
 * dropped and its sender closed. Also merges the stored updates past the compaction threshold.
 */
export class WritePipeline {
  private pending: Batch | undefined;
  /** Batches stored (or being stored) and not yet applied, oldest first. */
  private readonly unapplied: Batch[] = [];
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly room: PipelineRoom,
    private readonly log: StoredLog,
    private readonly deps: PipelineDeps,
  ) {}

  /** Appends an update to the store batch; it is applied and fanned out once that batch is written. */
  persist(update: Uint8Array, origin: UpdateOrigin): void {
    const appended = this.log.append(update);
    const { seq } = appended;
    let { written } = appended;
    // With scale-out, local updates also wait for the shared log (in parallel with the store).
    const local = origin.kind === 'conn' || origin.kind === 'server';
    if (this.deps.cluster) written = this.deps.cluster.replicate(this.room.name, written, local ? update : undefined);
    let batch = this.pending;
    if (!batch || batch.written !== written) {
      batch = this.pending = { written, updates: [], bytes: 0, remote: 0, origins: [], lastSeq: seq, queuedAt: performance.now() };
      this.unapplied.push(batch);
      this.inflight++;
      const started = batch;
      written.then(
        () => this.applyBatch(started),
        (err: unknown) => this.failBatch(started, err),
      );
    }
    batch.updates.push(update);
    batch.bytes += update.byteLength;
    if (origin.kind === 'cluster') batch.remote++;
    batch.origins.push(origin);
    batch.lastSeq = seq;
  }

  /**
   * Updates accepted but not yet in the document (their batch is being stored): what an update
   * arriving now may build on (the review rules look there for items the document lacks).
   */
  *unappliedUpdates(): Iterable<Uint8Array> {
    for (const batch of this.unapplied) yield* batch.updates;
  }

  private forget(batch: Batch): void {
    if (this.pending === batch) this.pending = undefined;
    const at = this.unapplied.indexOf(batch);
    if (at >= 0) this.unapplied.splice(at, 1);
  }

  /** Persists a change the server made; resolves once its batch is applied and fanned out. */
  persistAndWait(update: Uint8Array, origin: UpdateOrigin): Promise<void> {
    this.persist(update, origin);
    const batch = this.pending!;
    return new Promise<void>((resolve, reject) => (batch.waiters ??= []).push({ resolve, reject }));
  }

  /**
   * A batch is on disk: apply its updates in one transaction (Yjs cleans up once, not per
   * update), then the room fans them out.
   */
  private applyBatch(batch: Batch): void {
    this.forget(batch);
    this.deps.metrics.persistSeconds.observe((performance.now() - batch.queuedAt) / 1000);
    try {
      if (!this.room.open) return;
      this.log.applied(batch.lastSeq, batch.bytes);
      if (batch.remote > 0) withoutRemote(batch);
      const { updates } = batch;
      const doc = this.room.doc();
      try {
        // The origin of a batch's first update tags the transaction; the document has no observers yet.
        if (updates.length === 1) Y.applyUpdate(doc, updates[0]!, batch.origins[0]);
        else if (updates.length > 1) doc.transact(() => updates.forEach((u) => Y.applyUpdate(doc, u)), batch.origins[0]);
      } catch (err) {
        this.dropUnappliable(doc, batch, err);
      }
      this.room.handleApplied(batch);
      this.maybeCompact();
      for (const w of batch.waiters ?? []) w.resolve();
    } catch (err) {
      for (const w of batch.waiters ?? []) w.reject(err);
      throw err;
    } finally {
      this.settle();
    }
  }

  /**
   * An update that decoded (and passed validateUpdate) still threw inside Y.applyUpdate. Each
   * update of the batch is applied again on its own (applying twice is a no-op in Yjs); the ones
   * that throw are taken out of the batch (not fanned out) and their senders closed with 1007.
   * They stay stored until the next compaction merges them away; a load after a crash drops
   * them (see `heal`). The process and the other peers go on.
   */
  private dropUnappliable(doc: Y.Doc, batch: Batch, err: unknown): void {
    const keep: number[] = [];
    const bad = new Set<Connection>();
    batch.updates.forEach((u, i) => {
      try {
        Y.applyUpdate(doc, u);
        keep.push(i);
      } catch {
        const sender = senderOf(batch.origins[i]!);
        if (sender) bad.add(sender);
      }
    });
    this.deps.logger.error({ doc: this.room.name, conns: [...bad].map((c) => c.id), dropped: batch.updates.length - keep.length, err }, 'updates that do not apply: dropped, senders closed');
    for (const conn of bad) conn.close(CloseCode.InvalidPayload, 'update does not apply');
    batch.updates = keep.map((i) => batch.updates[i]!);
    batch.origins = keep.map((i) => batch.origins[i]!);
  }

  private failBatch(batch: Batch, err: unknown): void {
    this.forget(batch);
    for (const w of batch.waiters ?? []) w.reject(err);
    this.log.failed(batch.bytes);
    const senders = new Set(batch.origins.map(senderOf).filter((c) => c !== undefined));
    this.deps.logger.error({ doc: this.room.name, updates: batch.updates.length, conns: [...senders].map((c) => c.id), err }, 'persisting updates failed; they are not applied');
    for (const conn of senders) conn.close(CloseCode.InternalError, 'storage failure');
    this.settle();
  }

  /** Past the threshold, merges the stored updates into one snapshot of what the document holds. */
  maybeCompact(threshold = this.deps.compactAfterUpdates): void {
    if (!this.room.open) return;
    const compaction = this.log.compact(threshold, () => Y.encodeStateAsUpdate(this.room.doc()));
    if (!compaction) return;
    this.inflight++;
    void compaction.then((written) => {
      if (written) this.maybeCompact(threshold); // writes that arrived meanwhile may be over the threshold already
      this.settle();
    });
  }

  /** Resolves when every write this pipeline started has finished. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(): void {
    if (--this.inflight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Leaves in a written batch only the updates still to apply and send: those of local peers. */
function withoutRemote(batch: Batch): void {
  const keep = batch.origins.map((o, i) => (o.kind === 'cluster' ? -1 : i)).filter((i) => i >= 0);
  batch.updates = keep.map((i) => batch.updates[i]!);
  batch.origins = keep.map((i) => batch.origins[i]!);
}
