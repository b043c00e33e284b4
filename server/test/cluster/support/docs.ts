// What the cluster tests write and read through real y-websocket clients: paragraphs in the
// editor's body (`doc.getXmlFragment('default')`), each holding one unique marker so a test can
// say exactly which edit is missing where; and awareness states as the editor sets them.
import * as Y from 'yjs';
import { connect, type Client } from '../../helpers.js';

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

/** Sets the editor's presence fields: a name and a cursor at the start of the body. */
export function setPresence(c: Client, name: string): void {
  const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(body(c.doc), 0)) as unknown;
  c.provider.awareness.setLocalState({ user: { name, color: '#3366ff' }, cursor: { anchor: at, head: at } });
}

export interface PeerState {
  user?: { name?: string };
  cursor?: unknown;
}

/** Other clients' states as this client sees them, by client ID (its own left out). */
export function peers(c: Client): Map<number, PeerState> {
  const out = new Map<number, PeerState>();
  for (const [id, s] of c.provider.awareness.getStates()) if (id !== c.doc.clientID) out.set(id, s as PeerState);
  return out;
}

/** Names of every state this client sees (its own included), sorted. */
export function names(c: Client): string[] {
  return [...c.provider.awareness.getStates().values()]
    .map((s) => (s as PeerState).user?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
}

/** Every client, destroyed; never throws (a provider whose server is dead may complain). */
export function destroyAll(clients: Iterable<Client>): void {
  for (const c of clients) {
    c.provider.shouldConnect = false;
    c.destroy();
  }
}
