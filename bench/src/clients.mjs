// Clients used by the load-generator workers: real providers (WebsocketProvider for
// y-websocket-protocol servers, HocuspocusProvider for Hocuspocus) and a light raw-socket
// client that speaks just enough of the protocol to hold a connection with awareness.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider } from '@hocuspocus/provider';
import * as wire from './wire.mjs';

/** A real provider on `doc`; `synced` resolves after the first full sync. */
export function openProvider(proto, url, name, doc) {
  let provider;
  let synced;
  if (proto === 'hocus') {
    provider = new HocuspocusProvider({ url, name, document: doc, WebSocketPolyfill: WebSocket, quiet: true });
    synced = new Promise((resolve) => provider.on('synced', () => resolve()));
  } else {
    provider = new WebsocketProvider(url, encodeURIComponent(name), doc, { WebSocketPolyfill: WebSocket, disableBc: true });
    synced = new Promise((resolve) => {
      const on = (s) => {
        if (s) {
          provider.off('sync', on);
          resolve();
        }
      };
      provider.on('sync', on);
    });
  }
  return {
    provider,
    synced,
    destroy() {
      try {
        provider.destroy();
      } catch {
        // a provider whose socket never opened may throw on close; it is gone either way
      }
    },
  };
}

/**
 * Light client: ws socket + sync handshake + one awareness state. `synced` resolves on
 * the server's sync step 2; `onUpdate(bytes, isStep2)` sees every document update.
 */
export class RawClient {
  constructor(proto, url, name, { clientID, awareness, onUpdate, onClose, keepAliveMs = 0 } = {}) {
    this.proto = proto;
    this.name = name;
    this.msgs = 0;
    this.bytes = 0;
    this.closed = false;
    this.onUpdate = onUpdate;
    const path = proto === 'hocus' ? url : `${url}/${encodeURIComponent(name)}`;
    this.ws = new WebSocket(path, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.synced = new Promise((resolve, reject) => {
      this.resolveSynced = resolve;
      this.ws.on('error', (err) => reject(err));
      this.ws.on('close', (code) => {
        this.closed = true;
        this.closeCode = code;
        clearInterval(this.keepAlive);
        reject(new Error(`closed ${code} before sync`));
        onClose?.(code);
      });
    });
    this.synced.catch(() => {});
    this.ws.on('open', () => {
      if (proto === 'hocus') this.ws.send(wire.authMsg(proto, name));
      this.ws.send(wire.step1Msg(proto, name));
      if (awareness) this.ws.send(wire.awarenessMsg(proto, name, clientID, 1, awareness));
      if (keepAliveMs) this.keepAlive = setInterval(() => this.requestSync(), keepAliveMs * (0.75 + Math.random() / 2));
    });
    this.ws.on('message', (data) => this.handle(data));
  }

  handle(data) {
    this.msgs++;
    this.bytes += data.length;
    const m = wire.parse(this.proto, data);
    if (m.type !== wire.MSG_SYNC) return;
    if (m.sub === wire.SYNC_STEP1) {
      this.ws.send(wire.step2Msg(this.proto, this.name));
    } else if (m.sub === wire.SYNC_STEP2) {
      this.onUpdate?.(m.payload, true);
      this.resolveSynced();
    } else if (m.sub === wire.SYNC_UPDATE) {
      this.onUpdate?.(m.payload, false);
    }
  }

  send(bytes) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  sendUpdate(update) {
    this.send(wire.updateMsg(this.proto, this.name, update));
  }

  /** Ask for the whole document again (the answer arrives as step 2 via onUpdate). */
  requestSync() {
    this.send(wire.step1Msg(this.proto, this.name));
  }

  close() {
    clearInterval(this.keepAlive);
    try {
      this.ws.terminate();
    } catch {
      // already gone
    }
  }
}

/** Highest clock+1 of `client` in an update, or 0. */
export function clockOf(update, client) {
  const meta = Y.parseUpdateMeta(update);
  return meta.to.get(client) ?? 0;
}
