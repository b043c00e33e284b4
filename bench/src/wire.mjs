// Minimal y-websocket / Hocuspocus wire encoding for the light load-generator clients.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** Frames a message body for the protocol: Hocuspocus prefixes every message with the doc name. */
export function frame(proto, name, write) {
  const e = encoding.createEncoder();
  if (proto === 'hocus') encoding.writeVarString(e, name);
  write(e);
  return encoding.toUint8Array(e);
}

export const authMsg = (proto, name) =>
  frame(proto, name, (e) => {
    encoding.writeVarUint(e, MSG_AUTH);
    encoding.writeVarUint(e, 0); // AuthMessageType.Token
    encoding.writeVarString(e, '');
  });

export const step1Msg = (proto, name, sv = new Uint8Array([0])) =>
  frame(proto, name, (e) => {
    encoding.writeVarUint(e, MSG_SYNC);
    encoding.writeVarUint(e, SYNC_STEP1);
    encoding.writeVarUint8Array(e, sv);
  });

export const step2Msg = (proto, name, update = new Uint8Array([0, 0])) =>
  frame(proto, name, (e) => {
    encoding.writeVarUint(e, MSG_SYNC);
    encoding.writeVarUint(e, SYNC_STEP2);
    encoding.writeVarUint8Array(e, update);
  });

export const updateMsg = (proto, name, update) =>
  frame(proto, name, (e) => {
    encoding.writeVarUint(e, MSG_SYNC);
    encoding.writeVarUint(e, SYNC_UPDATE);
    encoding.writeVarUint8Array(e, update);
  });

/** An awareness update carrying one client's state (as y-protocols encodes it). */
export const awarenessMsg = (proto, name, clientID, clock, state) =>
  frame(proto, name, (e) => {
    encoding.writeVarUint(e, MSG_AWARENESS);
    const a = encoding.createEncoder();
    encoding.writeVarUint(a, 1);
    encoding.writeVarUint(a, clientID);
    encoding.writeVarUint(a, clock);
    encoding.writeVarString(a, JSON.stringify(state));
    encoding.writeVarUint8Array(e, encoding.toUint8Array(a));
  });

/** Decodes the head of an incoming message: { type, sub, payload } (payload = update bytes for sync). */
export function parse(proto, data) {
  const d = decoding.createDecoder(data);
  if (proto === 'hocus') decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  if (type === MSG_SYNC) {
    const sub = decoding.readVarUint(d);
    return { type, sub, payload: decoding.readVarUint8Array(d) };
  }
  if (type === MSG_AUTH) return { type, sub: decoding.readVarUint(d), payload: null };
  return { type, sub: -1, payload: null };
}

/** Decodes only the type and sub-type of a message from its first bytes (at `at` in `bytes`): { type, sub }. */
export function parseHead(proto, bytes, at = 0) {
  const d = decoding.createDecoder(bytes);
  d.pos = at;
  if (proto === 'hocus') decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  return { type, sub: type === MSG_SYNC || type === MSG_AUTH ? decoding.readVarUint(d) : -1 };
}

/**
 * A Yjs update (v1) appending one character 'a' to Y.Text 't' right after the client's
 * previous character: hand-encoded so a writer can produce tens of thousands per second
 * without the generator becoming the bottleneck (checked against Yjs in selfTest()).
 */
export function appendCharUpdate(client, clock) {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // one client
  encoding.writeVarUint(e, 1); // one struct
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  if (clock === 0) {
    encoding.writeUint8(e, 4); // ContentString, no origins → parent follows
    encoding.writeVarUint(e, 1); // parent is a root type key
    encoding.writeVarString(e, 't');
  } else {
    encoding.writeUint8(e, 0x80 | 4); // left origin + ContentString
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock - 1);
  }
  encoding.writeVarString(e, 'a');
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}
