import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';

/**
 * What the server has for a document, read by a plain y-websocket client (no browser, no
 * offline copy): the body fragment as XML text. Used to check what survived a crash.
 */
export async function serverDocXml(wsUrl: string, name: string, token?: string, timeoutMs = 10_000): Promise<string> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, encodeURIComponent(name), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: token ? { token } : {},
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync with ${name} within ${timeoutMs} ms`)), timeoutMs);
      provider.once('sync', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return doc.getXmlFragment('default').toString();
  } finally {
    provider.destroy();
    doc.destroy();
  }
}
