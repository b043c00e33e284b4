// Real y-websocket clients for the deployment tests, writing to and reading from the editor's
// content (`getXmlFragment('default')`).
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface Client {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** The editor's content as XML. */
  text(): string;
  /** Appends a paragraph holding `text`. */
  write(text: string): void;
  destroy(): void;
}

/** A client of document `name` on the server at `wsUrl` (ws://host:port). */
export function connect(wsUrl: string, name: string): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, name, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const fragment = doc.getXmlFragment('default');
  return {
    doc,
    provider,
    text: () => fragment.toString(),
    write(text) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      fragment.insert(fragment.length, [p]);
    },
    destroy() {
      // The provider's Awareness runs an interval until its Y.Doc is destroyed.
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Keeps every client a test opens, to destroy them all in one `after`. */
export class Clients {
  private readonly open: Client[] = [];

  connect(wsUrl: string, name: string): Client {
    const c = connect(wsUrl, name);
    this.open.push(c);
    return c;
  }

  destroyAll(): void {
    for (const c of this.open.splice(0)) c.destroy();
  }
}
