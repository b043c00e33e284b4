import { CloseCode } from '../closeCodes.js';
import type { Logger } from '../logger.js';

/** Sends at least this large are counted even to a peer with nothing queued (a first sync stays in memory while it drains). */
export const BUDGET_NOTE_BYTES = 64 * 1024;

/** What the budget needs of a connection. */
export interface Sender {
  readonly id: number;
  readonly closed: boolean;
  /**
   * Its unsent output that is its own: a message every receiver shares (a first sync) costs one
   * buffer however many sockets send it, so it is not counted per connection.
   */
  readonly ownBacklog: number;
  close(code: CloseCode, reason: string, terminate?: boolean): void;
}

/**
 * The server-wide bound on unsent output (MAX_TOTAL_BUFFERED_BYTES). Each connection's own cap
 * (MAX_BUFFERED_BYTES) does not bound the sum: a thousand sockets that never read each pin what
 * was made for them alone (a diff, the updates queued behind a first sync). The bytes every
 * receiver shares (the whole document's first sync, one buffer for a join storm of 150) are not
 * counted per connection: counted so, 25 joiners of a 20 MB document passed 512 MiB and the
 * rest of a join storm was cut. Connections report their backlog when they send while something is queued
 * (or send something large); the figures are refreshed from the sockets every `refreshMs` and
 * whenever the sum passes the bound, and then the connections with the largest backlogs are cut
 * first (1013, they may come back later) until the sum is under it; the one sending at that
 * moment last of all. Peers that read what they
 * are sent never appear here.
 */
export class OutputBudget {
  private readonly backlogs = new Map<Sender, number>();
  private total = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly maxBytes: number,
    private readonly logger: Logger,
    refreshMs = 1000,
  ) {
    this.timer = setInterval(() => this.refresh(), refreshMs);
    this.timer.unref();
  }

  /** Bytes unsent over all connections, as last counted. */
  get bytes(): number {
    return this.total;
  }

  /** `conn` has about `bytes` unsent now. May close connections (`conn` too) when the sum is over the bound. */
  note(conn: Sender, bytes: number): void {
    const before = this.backlogs.get(conn) ?? 0;
    this.backlogs.set(conn, bytes);
    this.total += bytes - before;
    if (this.total > this.maxBytes) this.shed(conn);
  }

  forget(conn: Sender): void {
    const before = this.backlogs.get(conn);
    if (before === undefined) return;
    this.backlogs.delete(conn);
    this.total -= before;
  }

  /** Reads every backlog from its socket again; `sending`'s stays as noted (its message is not written yet). */
  private refresh(sending?: Sender): void {
    this.total = 0;
    for (const [conn, noted] of this.backlogs) {
      const bytes = conn === sending ? noted : conn.closed ? 0 : conn.ownBacklog;
      if (bytes > 0) {
        this.backlogs.set(conn, bytes);
        this.total += bytes;
      } else {
        this.backlogs.delete(conn);
      }
    }
  }

  private shed(sending: Sender): void {
    this.refresh(sending);
    if (this.total <= this.maxBytes) return;
    // The connection sending now goes last: its message is not even written yet, so it has not
    // shown that it does not read (a joiner's first sync is often the largest item here).
    const largestFirst = [...this.backlogs].sort((a, b) => Number(a[0] === sending) - Number(b[0] === sending) || b[1] - a[1]);
    for (const [conn, bytes] of largestFirst) {
      if (this.total <= this.maxBytes) break;
      this.logger.warn({ conn: conn.id, code: CloseCode.TryAgainLater, backlog: bytes, total: this.total }, 'unsent output over MAX_TOTAL_BUFFERED_BYTES: closing the largest backlog');
      this.forget(conn);
      // The close frame would queue behind the backlog: the socket is cut.
      conn.close(CloseCode.TryAgainLater, 'server output buffer full', true);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.backlogs.clear();
    this.total = 0;
  }
}
