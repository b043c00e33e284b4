// Scenario P's client: a Yjs document and a y-protocols Awareness over one WebSocket, speaking
// y-websocket's protocol (or Hocuspocus's framing), without a provider. A y-websocket 1.x provider
// re-sends every awareness state it learns (N² messages a second in a crowd); this client never
// does, unless asked to (`echo`), so the load is the one the editor makes.
//
// `full` clients apply everything (document updates, every awareness state) and time what they
// receive; the others (the crowd) are real senders — their own Y.Doc, their cursor in y-protocols'
// encoding — but read only the head of what they receive: one load-generator core cannot decode a
// thousand people's states a thousand times a second (A's method: light receivers, measured real
// clients at the tail of the fan-out).
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { LiteSocket } from './liteSocket.mjs';
import * as wire from './wire.mjs';
import { nowMs } from './util.mjs';

const COLORS = ['#e06c75', '#61afef', '#98c379', '#c678dd', '#d19a66', '#56b6c2'];
const SYNC_REPLY = 4; // Hocuspocus: a sync message that asks for no step 1 back

export class PresenceClient {
  /**
   * @param {{ proto: string, url: string, name: string, full: boolean, echo?: boolean,
   *   label: string, onPresence?: (ms: number, sentAt: number) => void, onClose?: (code: number) => void }} o
   */
  constructor({ proto, url, name, full, echo = false, label, onPresence, onClose }) {
    Object.assign(this, { proto, name, full, echo, onPresence });
    this.doc = new Y.Doc();
    this.text = this.doc.getText('t');
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState({ user: { name: label, color: COLORS[this.doc.clientID % COLORS.length] } });
    this.clocks = new Map(); // echo: the newest awareness clock seen per client ID
    this.closeCode = null;
    this.msgs = 0;
    this.moves = 0;
    this.synced = new Promise((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    this.synced.catch(() => {});
    const url_ = proto === 'hocus' ? url : `${url}/${encodeURIComponent(name)}`;
    const closed = (code) => {
      this.closeCode ??= code;
      this.rejectSynced(new Error(`closed ${code} before sync`));
      if (!this.closing) onClose?.(code);
    };
    if (full) {
      this.ws = new WebSocket(url_, { perMessageDeflate: false });
      this.ws.binaryType = 'nodebuffer';
      this.ws.on('open', () => this.opened());
      this.ws.on('message', (data) => this.handle(data));
      this.ws.on('error', (err) => this.rejectSynced(err));
      this.ws.on('close', closed);
    } else {
      // The crowd reads the head of each message and only keeps what it acts on (LiteSocket).
      this.lite = new LiteSocket(url_, {
        onOpen: () => this.opened(),
        onHead: (bytes, at) => this.wants(bytes, at),
        onMessage: (_length, whole) => (whole ? this.handle(whole) : this.msgs++),
        onClose: closed,
      });
    }
    if (full && onPresence) this.awareness.on('update', (changes, origin) => this.timePresence(changes, origin));
    this.doc.on('update', (update, origin) => {
      if (origin !== this) this.send(wire.MSG_SYNC, (e) => syncProtocol.writeUpdate(e, update));
    });
  }

  opened() {
    if (this.proto === 'hocus') this.sendRaw(wire.authMsg(this.proto, this.name));
    this.send(wire.MSG_SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc));
    this.sendAwareness();
  }

  /**
   * Whether a crowd client reads a message whole: the sync messages but updates (its cursor needs
   * the text of the first sync), and awareness only when it echoes.
   */
  wants(bytes, at) {
    const { type, sub } = wire.parseHead(this.proto, bytes, at);
    if (type === wire.MSG_SYNC || type === SYNC_REPLY) return sub !== wire.SYNC_UPDATE;
    return type === wire.MSG_AWARENESS && this.echo;
  }

  sendRaw(bytes) {
    if (this.lite) this.lite.send(bytes);
    else if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  send(type, write) {
    this.sendRaw(wire.frame(this.proto, this.name, (e) => {
      encoding.writeVarUint(e, type);
      write(e);
    }));
  }

  sendAwareness() {
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]);
    this.send(wire.MSG_AWARENESS, (e) => encoding.writeVarUint8Array(e, update));
  }

  /** Moves the cursor (relative positions, as y-prosemirror publishes them), stamped for timing. */
  moveCursor() {
    const len = this.text.length;
    const a = Math.floor(Math.random() * (len + 1));
    const h = Math.min(len, a + (Math.random() < 0.2 ? Math.floor(Math.random() * 20) : 0));
    const rel = (i) => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(this.text, i));
    const state = { ...this.awareness.getLocalState(), cursor: { anchor: rel(a), head: rel(h) }, sentAt: nowMs() };
    if (this.full) {
      this.awareness.setLocalState(state);
      this.sendAwareness();
    } else {
      // The same bytes y-protocols would send, without its bookkeeping (a deep comparison of
      // the old and new state, events): a thousand moves a second on the generator's one core.
      this.clock = (this.clock ?? this.awareness.meta.get(this.doc.clientID).clock) + 1;
      this.sendRaw(wire.awarenessMsg(this.proto, this.name, this.doc.clientID, this.clock, state));
    }
    this.moves++;
  }

  handle(data) {
    this.msgs++;
    try {
      this.read(data);
    } catch (err) {
      // counted and reported, not fatal: one odd frame must not take 150 clients' process down
      this.decodeErrors = (this.decodeErrors ?? 0) + 1;
      if (this.decodeErrors === 1) process.stderr.write(`presence client: undecodable message (${data.length} bytes, head ${Buffer.from(data.subarray(0, 12)).toString('hex')}): ${err.message}\n`);
    }
  }

  read(data) {
    const d = decoding.createDecoder(data);
    if (this.proto === 'hocus') decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    if (type === wire.MSG_SYNC || type === SYNC_REPLY) this.handleSync(d);
    else if (type === wire.MSG_AWARENESS) this.handleAwareness(decoding.readVarUint8Array(d));
  }

  handleSync(d) {
    const sub = decoding.peekVarUint(d);
    // The crowd applies the first sync (its cursor needs the text) and nothing after it.
    if (!this.full && sub === wire.SYNC_UPDATE) return;
    const reply = encoding.createEncoder();
    syncProtocol.readSyncMessage(d, reply, this.doc, this);
    if (encoding.length(reply) > 0) this.send(wire.MSG_SYNC, (e) => encoding.writeUint8Array(e, encoding.toUint8Array(reply)));
    if (sub === wire.SYNC_STEP2) this.resolveSynced();
  }

  handleAwareness(update) {
    if (this.echo && this.hasNewState(update)) this.send(wire.MSG_AWARENESS, (e) => encoding.writeVarUint8Array(e, update));
    if (this.full) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this);
  }

  /** A full client's timing of the states it receives (y-protocols lists the ones that changed). */
  timePresence(changes, origin) {
    if (origin !== this) return;
    const t = nowMs();
    for (const id of [...changes.added, ...changes.updated]) {
      const sentAt = id === this.doc.clientID ? 0 : this.awareness.states.get(id)?.sentAt;
      if (sentAt) this.onPresence(t - sentAt, sentAt);
    }
  }

  /**
   * Whether an awareness update holds a state this client has not seen yet (its own excepted):
   * exactly the states a y-websocket 1.x provider re-sends. Reads the entries' heads only.
   */
  hasNewState(update) {
    const d = decoding.createDecoder(update);
    let fresh = false;
    for (let n = decoding.readVarUint(d); n > 0; n--) {
      const id = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const len = decoding.readVarUint(d); // (not `d.pos += read…`: that adds to the position before the read)
      d.pos += len; // the state's JSON, unread
      if (id !== this.doc.clientID && clock > (this.clocks.get(id) ?? -1)) {
        this.clocks.set(id, clock);
        fresh = true;
      }
    }
    return fresh;
  }

  close() {
    this.closing = true;
    this.awareness.destroy();
    try {
      if (this.lite) this.lite.terminate();
      else this.ws.terminate();
    } catch {
      // already gone
    }
  }
}
