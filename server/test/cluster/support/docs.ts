// What the cluster tests write and read through real y-websocket clients: paragraphs in the
// editor's body (`doc.getXmlFragment('default')`), each holding one unique marker so a test can
// say exactly which edit is missing where.
import * as Y from 'yjs';
import { connect, waitFor, type Client } from '../../helpers.js';

export function body(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment('default');
}

/** Appends `<paragraph>marker</paragraph>` (one Yjs update). */
export function addParagraph(doc: Y.Doc, marker: string): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(marker)]);
  const frag = body(doc);
  frag.insert(frag.length, [p]);
}

/** The text of every paragraph, in document order. */
export function paragraphs(doc: Y.Doc): string[] {
  return body(doc)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''));
}

export function markers(doc: Y.Doc): Set<string> {
  return new Set(paragraphs(doc));
}

/** The whole body as XML, for convergence checks. */
export function content(doc: Y.Doc): string {
  return body(doc).toString();
}

/** Markers of `expected` that `doc` lacks (first few, for messages). */
export function missing(doc: Y.Doc, expected: Iterable<string>): string[] {
  const have = markers(doc);
  return [...expected].filter((m) => !have.has(m));
}

/** True once every client is synced and holds the same body. */
export function converged(clients: readonly Client[]): boolean {
  const first = clients[0];
  if (!first) return true;
  const c = content(first.doc);
  return clients.every((x) => x.provider.synced && content(x.doc) === c);
}

/**
 * A fresh client whose `atFirstSync` holds the paragraphs it had at the very moment
 * `provider.synced` first became true: what the server's first sync step 2 carried.
 */
export function freshClient(url: string, name: string): Client & { atFirstSync: Promise<string[]> } {
  const c = connect(url, name);
  const atFirstSync = new Promise<string[]>((resolve) => {
    const on = (synced: boolean): void => {
      if (!synced) return;
      c.provider.off('sync', on);
      resolve(paragraphs(c.doc));
    };
    c.provider.on('sync', on);
  });
  return Object.assign(c, { atFirstSync });
}

/** Every client, destroyed; never throws (a provider whose server is dead may complain). */
export function destroyAll(clients: Iterable<Client>): void {
  for (const c of clients) {
    c.provider.shouldConnect = false;
    c.destroy();
  }
}

/**
 * Waits until every client is synced, holds every marker of `expected` and the same body; on
 * timeout the error says, per client, whether it is synced and which markers it lacks.
 */
export async function waitConverged(clients: readonly Client[], expected: Iterable<string>, { timeoutMs = 15_000, what = 'clients' } = {}): Promise<void> {
  const want = [...expected];
  try {
    await waitFor(() => converged(clients) && clients.every((c) => missing(c.doc, want).length === 0), { timeoutMs, what: `${what} to converge` });
  } catch (err) {
    const detail = clients.map((c, k) => {
      const lack = missing(c.doc, want);
      return `client ${k} (${c.provider.url}): ${c.provider.synced ? 'synced' : 'NOT synced'}, ${paragraphs(c.doc).length} paragraphs, lacks ${lack.length}${lack.length ? ` (${lack.slice(0, 5).join(', ')}…)` : ''}`;
    });
    throw new Error(`${(err as Error).message}\n${detail.join('\n')}`);
  }
}

export interface Stream {
  /** Every marker written so far, in order. */
  readonly written: string[];
  stop(): void;
}

/** `c` appends one paragraph `<prefix>-<n>` every `everyMs` until stopped (a typist, faster). */
export function writeStream(c: Client, prefix: string, everyMs = 10): Stream {
  const written: string[] = [];
  const timer = setInterval(() => {
    const m = `${prefix}-${written.length}`;
    addParagraph(c.doc, m);
    written.push(m);
  }, everyMs);
  return { written, stop: () => clearInterval(timer) };
}
