import * as Y from 'yjs';
import { CloseCode } from '../closeCodes.js';
import { DocumentTooLargeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { encodeSaved, isEmptyUpdate } from '../protocol/messages.js';
import type { Connection } from './Connection.js';
import { CLUSTER_ORIGIN, SERVER_ORIGIN, senderOf, type UpdateOrigin } from './origins.js';
import type { ClusterPort, UpdatePolicy } from './ports.js';
import type { StoredLog } from './StoredLog.js';
import { CommentReviews } from './CommentReviews.js';

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
  /** A local update that would take the stored document past this is refused (4413). */
  maxDocumentBytes: number;
  cluster?: ClusterPort | undefined;
  /** What a connection may change beyond its mode (RoomDeps.policy). */
  policy?: UpdatePolicy | undefined;
  /** How long a `comment` connection's update waits for changes it builds on (default 1000). */
  reviewWaitMs?: number | undefined;
}

/** What the pipeline hands back to its room. */
export interface PipelineRoom {
  readonly name: string;
  /** The document, with a waiting stored snapshot applied first. */
  doc(): Y.Doc;
  /** Whether the room still takes writes (not destroyed, its snapshot decoded). */
  readonly open: boolean;
  /**
   * Updates are applied to the document (a written batch's local ones, or another instance's at
   * once): fan them out. `origins[i]` is where `updates[i]` came from.
   */
  handleApplied(updates: readonly Uint8Array[], origins: readonly UpdateOrigin[]): void;
}

/**
 * The write path of one room (DESIGN.md, "Contract — durability"): an update a peer or the
 * server sends is admitted (access, MAX_DOCUMENT_BYTES), appended to the store batch being
 * filled, written in one batch per tick (and, with scale-out, acknowledged by the shared log),
 * and only then applied to the document in one transaction, handed back to the room for
 * fan-out, and acknowledged to the senders that asked (`?acks=1`). A batch that fails is never applied; an update that does not apply is dropped and its
 * sender closed. Updates of other instances are applied at once and stored behind. Also merges
 * the stored updates past the compaction threshold.
 */
export class WritePipeline {
  private pending: Batch | undefined;
  /** Batches stored (or being stored) and not yet applied, oldest first. */
  private readonly unapplied: Batch[] = [];
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  /** `comment` connections' updates waiting to be judged (writers never wait). */
  private readonly reviews: CommentReviews | undefined;

  constructor(
    private readonly room: PipelineRoom,
    private readonly log: StoredLog,
    private readonly deps: PipelineDeps,
  ) {
    const pipeline = this;
    if (!deps.policy) return;
    this.reviews = new CommentReviews(
      {
        name: room.name,
        doc: () => room.doc(),
        get open() {
          return room.open;
        },
        inFlight: () => pipeline.unapplied,
        filling: () => pipeline.pending,
        admit: (conn, update) => pipeline.admit(conn, update),
        refuse: (conn, reason) => pipeline.refuse(conn, reason),
      },
      deps.policy,
      deps.logger,
      deps.reviewWaitMs ?? 1000,
    );
  }

  /**
   * A peer's update: dropped for a read-only connection (logged once), refused with its
   * connection closed when it may not write it or it would take the document past
   * MAX_DOCUMENT_BYTES, else persisted. A `comment` connection's is judged once the batches in
   * flight are applied (CommentReviews); a writer's at once.
   */
  accept(conn: Connection, update: Uint8Array): void {
    if (conn.access.mode === 'read') {
      if (conn.firstReadOnlyDrop()) this.deps.logger.warn({ doc: this.room.name, conn: conn.id }, 'document update from a read-only connection: dropped');
      return;
    }
    if (isEmptyUpdate(update)) return;
    if (conn.access.mode === 'comment' && this.reviews) {
      // Suggestions are judged against everything accepted before them (writers never wait).
      this.reviews.push(conn, update);
      return;
    }
    const verdict = this.deps.policy ? this.deps.policy(this.room.doc(), update, conn.access, () => this.unappliedUpdates()) : conn.access.mode === 'comment' ? { refuse: 'comment access may not edit the document' } : undefined;
    if (verdict !== undefined) return this.refuse(conn, 'refuse' in verdict ? verdict.refuse : verdict.missing);
    this.admit(conn, update);
  }

  /** The contract closes the sender (1008) with nothing of the update applied or relayed. */
  refuse(conn: Connection, reason: string): void {
    this.deps.logger.warn({ doc: this.room.name, conn: conn.id, code: CloseCode.PolicyViolation, reason }, 'document update against the rules: refused, closing');
    conn.close(CloseCode.PolicyViolation, Buffer.from(reason).subarray(0, 120).toString()); // a close reason fits 123 bytes
  }

  /** An update that passed the rules: stored, unless it would take the document past MAX_DOCUMENT_BYTES. */
  admit(conn: Connection, update: Uint8Array): void {
    if (this.log.wouldExceed(update.byteLength, this.deps.maxDocumentBytes)) {
      this.deps.logger.warn({ doc: this.room.name, conn: conn.id, code: CloseCode.DocumentTooLarge, bytes: update.byteLength, stored: this.log.bytes }, 'update would take the document past MAX_DOCUMENT_BYTES: refused');
      conn.close(CloseCode.DocumentTooLarge, 'document too large');
      return;
    }
    if (conn.ackClients) for (const clientId of Y.parseUpdateMeta(update).to.keys()) conn.ackClients.add(clientId);
    this.persist(update, conn.origin);
  }

  /**
   * A change the server made (restore, import), treated like a peer's: stored, then applied and
   * sent to every peer (and to other instances). Resolves once the peers have been sent it.
   */
  applyChange(update: Uint8Array): Promise<void> {
    if (!this.room.open) return Promise.reject(new Error('the document is closed'));
    if (isEmptyUpdate(update)) return Promise.resolve();
    if (this.log.wouldExceed(update.byteLength, this.deps.maxDocumentBytes)) {
      return Promise.reject(new DocumentTooLargeError(`the change would take the document past ${this.deps.maxDocumentBytes} bytes (MAX_DOCUMENT_BYTES)`));
    }
    this.persist(update, SERVER_ORIGIN);
    const batch = this.pending!;
    return new Promise<void>((resolve, reject) => (batch.waiters ??= []).push({ resolve, reject }));
  }

  /**
   * Updates another instance put in the shared log. They are durable already (Redis keeps the
   * log with appendfsync always), so they are applied and sent to every local peer at once, and
   * stored here in parallel (so that this instance can serve the document on its own): a crash
   * before that write reads them from the log again, since the recorded stream id lags behind.
   */
  receiveRemote(updates: readonly Uint8Array[]): void {
    if (!this.room.open) return;
    const doc = this.room.doc();
    const applied: Uint8Array[] = [];
    doc.transact(() => {
      for (const update of updates) {
        if (isEmptyUpdate(update)) continue;
        try {
          Y.applyUpdate(doc, update);
          applied.push(update);
        } catch (err) {
          this.deps.logger.error({ doc: this.room.name, err }, 'an update from the shared log does not apply: skipped');
        }
      }
    }, CLUSTER_ORIGIN);
    if (applied.length === 0) return;
    this.room.handleApplied(applied, applied.map(() => CLUSTER_ORIGIN));
    for (const update of applied) this.persist(update, CLUSTER_ORIGIN);
    this.reviews?.judgeAll();
  }

  /** Appends an update to the store batch; it is applied and fanned out once that batch is written. */
  private persist(update: Uint8Array, origin: UpdateOrigin): void {
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
   * Updates accepted but not yet in the document (their batch is being stored), newest first:
   * what an update arriving now may build on (the review rules look there for items the
   * document lacks).
   */
  *unappliedUpdates(): Iterable<Uint8Array> {
    // Newest first: an update builds on the one just before it far more often than on older ones.
    for (let b = this.unapplied.length - 1; b >= 0; b--) {
      const { updates } = this.unapplied[b]!;
      for (let u = updates.length - 1; u >= 0; u--) yield updates[u]!;
    }
  }

  private forget(batch: Batch): void {
    if (this.pending === batch) this.pending = undefined;
    const at = this.unapplied.indexOf(batch);
    if (at >= 0) this.unapplied.splice(at, 1);
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
      this.room.handleApplied(batch.updates, batch.origins);
      this.acknowledge(doc, batch.origins);
      this.maybeCompact();
      for (const w of batch.waiters ?? []) w.resolve();
      this.reviews?.judgeAll();
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

  /**
   * Tells each sender that asked for it (`?acks=1`) the durable clock of every client ID it has
   * sent: the document in memory holds only what is durable, so its state is that clock.
   */
  private acknowledge(doc: Y.Doc, origins: readonly UpdateOrigin[]): void {
    let last: Connection | undefined;
    for (const origin of origins) {
      const conn = senderOf(origin);
      if (!conn?.ackClients || conn === last) continue;
      last = conn;
      conn.send(encodeSaved([...conn.ackClients].map((id) => [id, Y.getState(doc.store, id)] as const)));
    }
  }

  private failBatch(batch: Batch, err: unknown): void {
    this.forget(batch);
    for (const w of batch.waiters ?? []) w.reject(err);
    this.log.failed(batch.bytes);
    const senders = new Set(batch.origins.map(senderOf).filter((c) => c !== undefined));
    this.deps.logger.error({ doc: this.room.name, updates: batch.updates.length, conns: [...senders].map((c) => c.id), err }, 'persisting updates failed; they are not applied');
    for (const conn of senders) conn.close(CloseCode.InternalError, 'storage failure');
    this.reviews?.judgeAll();
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
