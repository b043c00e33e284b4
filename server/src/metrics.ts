import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const RECEIVED_TYPES = ['sync_step1', 'sync_step2', 'update', 'awareness', 'query_awareness', 'invalid'] as const;
export type ReceivedType = (typeof RECEIVED_TYPES)[number];

/** Counts not yet handed to prom-client (see `Metrics.traffic`). */
class Traffic {
  readonly received: Record<ReceivedType, number> = { sync_step1: 0, sync_step2: 0, update: 0, awareness: 0, query_awareness: 0, invalid: 0 };
  messagesSent = 0;
  bytesReceived = 0;
  bytesSent = 0;
}

/** The metrics DESIGN.md promises (prefix `tandem_`), on a registry of this server's own. */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'tandem_connections', help: 'Open WebSocket connections', registers: [this.registry] });
  readonly documentsLoaded = new Gauge({ name: 'tandem_documents_loaded', help: 'Documents held in memory', registers: [this.registry] });
  /**
   * The message path's counts, added up here as plain numbers and handed to the four traffic
   * counters below whenever they are read (prom-client calls `collect` before every read): an
   * `inc` of prom-client builds a label hash and two objects each time, and these four were
   * counted for every message received and every broadcast (~2 % of the main thread's samples,
   * bench P at N = 100). The figures read are the same.
   */
  private readonly traffic = new Traffic();
  private readonly received = new Counter({
    name: 'tandem_messages_received_total',
    help: 'Messages received, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
    collect: () => this.collectTraffic(),
  });
  private readonly messagesSent = new Counter({ name: 'tandem_messages_sent_total', help: 'Messages sent', registers: [this.registry], collect: () => this.collectTraffic() });
  private readonly bytesReceived = new Counter({ name: 'tandem_bytes_received_total', help: 'Message bytes received', registers: [this.registry], collect: () => this.collectTraffic() });
  private readonly bytesSent = new Counter({ name: 'tandem_bytes_sent_total', help: 'Message bytes sent', registers: [this.registry], collect: () => this.collectTraffic() });
  readonly firstSyncEncodings = new Counter({
    name: 'tandem_first_sync_encodings_total',
    help: 'Whole-document sync step 2 messages made for joiners (one serves every joiner of a document at the same state)',
    registers: [this.registry],
  });
  readonly documentLoads = new Counter({ name: 'tandem_document_loads_total', help: 'Documents loaded from storage', registers: [this.registry] });
  readonly filesDeleted = new Counter({ name: 'tandem_files_deleted_total', help: 'Uploaded files deleted because neither their document nor a kept version refers to them', registers: [this.registry] });
  private readonly closed = new Counter({
    name: 'tandem_connections_closed_total',
    help: 'Connections closed, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly persistSeconds = new Histogram({
    name: 'tandem_persist_seconds',
    help: 'Time from queuing a document\'s first update of a group-committed batch to the batch being written (one observation per document per batch)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  messageReceived(type: ReceivedType, bytes: number): void {
    const t = this.traffic;
    t.received[type]++;
    t.bytesReceived += bytes;
  }

  /**
   * A message counted under its type whose content turned out invalid later: an awareness state
   * is decoded only when the room keeps it (echoes never are). Counted as invalid as well.
   */
  messageInvalid(): void {
    this.traffic.received.invalid++;
  }

  sent(messages: number, bytes: number): void {
    const t = this.traffic;
    t.messagesSent += messages;
    t.bytesSent += bytes;
  }

  /** Moves the counts added up since the last read into the counters. */
  private collectTraffic(): void {
    const t = this.traffic;
    for (const type of RECEIVED_TYPES) {
      const n = t.received[type];
      if (n > 0) this.received.inc({ type }, n);
      t.received[type] = 0;
    }
    if (t.messagesSent > 0) this.messagesSent.inc(t.messagesSent);
    if (t.bytesReceived > 0) this.bytesReceived.inc(t.bytesReceived);
    if (t.bytesSent > 0) this.bytesSent.inc(t.bytesSent);
    t.messagesSent = t.bytesReceived = t.bytesSent = 0;
  }

  connectionClosed(code: number): void {
    this.closed.labels(String(code)).inc();
  }
}
