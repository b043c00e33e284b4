import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ReceivedType = 'sync_step1' | 'sync_step2' | 'update' | 'awareness' | 'query_awareness' | 'invalid';

/** The metrics DESIGN.md promises (prefix `tandem_`), on a registry of this server's own. */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'tandem_connections', help: 'Open WebSocket connections', registers: [this.registry] });
  readonly documentsLoaded = new Gauge({ name: 'tandem_documents_loaded', help: 'Documents held in memory', registers: [this.registry] });
  private readonly received = new Counter({
    name: 'tandem_messages_received_total',
    help: 'Messages received, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly messagesSent = new Counter({ name: 'tandem_messages_sent_total', help: 'Messages sent', registers: [this.registry] });
  readonly bytesReceived = new Counter({ name: 'tandem_bytes_received_total', help: 'Message bytes received', registers: [this.registry] });
  readonly bytesSent = new Counter({ name: 'tandem_bytes_sent_total', help: 'Message bytes sent', registers: [this.registry] });
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
  // Label children resolved once: the per-message path only increments.
  private readonly receivedByType = new Map<ReceivedType, ReturnType<Counter<'type'>['labels']>>();

  messageReceived(type: ReceivedType, bytes: number): void {
    this.receivedOf(type).inc();
    this.bytesReceived.inc(bytes);
  }

  /**
   * A message counted under its type whose content turned out invalid later: an awareness state
   * is decoded only when the room keeps it (echoes never are). Counted as invalid as well.
   */
  messageInvalid(): void {
    this.receivedOf('invalid').inc();
  }

  private receivedOf(type: ReceivedType): ReturnType<Counter<'type'>['labels']> {
    let child = this.receivedByType.get(type);
    if (!child) this.receivedByType.set(type, (child = this.received.labels(type)));
    return child;
  }

  sent(messages: number, bytes: number): void {
    this.messagesSent.inc(messages);
    this.bytesSent.inc(bytes);
  }

  connectionClosed(code: number): void {
    this.closed.labels(String(code)).inc();
  }
}
