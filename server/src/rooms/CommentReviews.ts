import { CloseCode } from '../closeCodes.js';
import type { Logger } from '../logger.js';
import type { Connection } from './Connection.js';
import type { UpdatePolicy } from './ports.js';
import type * as Y from 'yjs';

/** What the reviews need of the write pipeline. */
export interface ReviewedPipeline {
  readonly name: string;
  doc(): Y.Doc;
  readonly open: boolean;
  /** Batches stored (or being stored) and not yet applied, oldest first. */
  inFlight(): readonly object[];
  /** The batch being filled, if any. */
  filling(): object | undefined;
  /** Stores an update that passed the rules. */
  admit(conn: Connection, update: Uint8Array): void;
  /** Closes a connection whose update broke the rules (1008). */
  refuse(conn: Connection, reason: string): void;
}

/** One `comment` connection's updates not yet judged, in order. */
interface Waiting {
  updates: Uint8Array[];
  /** The batches in flight when the first update came up: it is judged once they are applied. */
  after: Set<object>;
  missingTimer?: NodeJS.Timeout | undefined;
}

/**
 * A `comment` connection's updates (DESIGN.md, "Contract — review: suggestions") are checked
 * against the document including every update accepted before them, so each waits for the
 * batches in flight when it came up (writers never wait), and is then judged against the
 * document alone. An update that builds on changes this instance does not hold yet waits for
 * them (a batch applied, another instance's update) up to REDIS_TIMEOUT_MS, then its sender is
 * closed with 1011. A connection's updates keep their order.
 */
export class CommentReviews {
  private readonly waiting = new Map<Connection, Waiting>();

  constructor(
    private readonly pipeline: ReviewedPipeline,
    private readonly policy: UpdatePolicy,
    private readonly logger: Logger,
    private readonly waitMs: number,
  ) {}

  push(conn: Connection, update: Uint8Array): void {
    const waiting = this.waiting.get(conn);
    if (waiting) waiting.updates.push(update);
    else this.waiting.set(conn, { updates: [update], after: new Set(this.pipeline.inFlight()) });
    this.judge(conn);
  }

  /** The document changed (a batch applied or failed, another instance's updates): judge again. */
  judgeAll(): void {
    for (const conn of [...this.waiting.keys()]) this.judge(conn);
  }

  /** Judges a connection's waiting updates in order, as far as the document allows. */
  private judge(conn: Connection): void {
    const waiting = this.waiting.get(conn);
    if (!waiting) return;
    while (waiting.updates.length > 0) {
      if (conn.closed || !this.pipeline.open) return this.end(conn);
      const inFlight = this.pipeline.inFlight();
      for (const batch of waiting.after) if (!inFlight.includes(batch)) waiting.after.delete(batch);
      if (waiting.after.size > 0) return;
      const verdict = this.policy(this.pipeline.doc(), waiting.updates[0]!, conn.access, () => []);
      if (verdict !== undefined && 'missing' in verdict) {
        waiting.missingTimer ??= setTimeout(() => this.giveUp(conn, verdict.missing), this.waitMs).unref();
        return;
      }
      clearTimeout(waiting.missingTimer);
      waiting.missingTimer = undefined;
      const update = waiting.updates.shift()!;
      if (verdict !== undefined) {
        this.end(conn);
        return this.pipeline.refuse(conn, verdict.refuse);
      }
      this.pipeline.admit(conn, update);
      // The next one builds on this one: it waits until this one's batch is applied.
      const batch = this.pipeline.filling();
      if (batch) waiting.after.add(batch);
    }
    this.end(conn);
  }

  /** An update still builds on changes not here after REDIS_TIMEOUT_MS (contract: 1011). */
  private giveUp(conn: Connection, reason: string): void {
    if (!this.waiting.has(conn)) return;
    this.end(conn);
    this.logger.warn({ doc: this.pipeline.name, conn: conn.id, code: CloseCode.InternalError, reason }, 'update builds on changes that did not arrive: closing');
    conn.close(CloseCode.InternalError, 'update builds on changes this server does not have');
  }

  private end(conn: Connection): void {
    clearTimeout(this.waiting.get(conn)?.missingTimer);
    this.waiting.delete(conn);
  }
}
