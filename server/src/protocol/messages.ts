/**
 * The y-websocket wire format as pure functions: bytes in, a typed message out, and back.
 * No sockets, no rooms: names and routing are the upper layer's business.
 *
 * Handshake (y-protocols/sync): each side sends SyncStep1 (its state vector); the other answers
 * SyncStep2 (what the first lacks); after that both sides exchange Update messages.
 * Awareness messages carry (clientID, clock, JSON state) triples; QueryAwareness asks for all.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MESSAGE_SAVED, readSavedBody, writeSavedBody } from './savedCodec.js';
import { varUintLength, writeVarUint } from './varint.js';

export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, Saved: MESSAGE_SAVED } as const;
export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;

/** One awareness entry; `state === null` means the client is gone. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
  /** The state's JSON text as received, relayed as is. */
  json: string;
}

/** Where one entry of an awareness update sits: its client ID and clock, and its state's bytes (not decoded). */
export interface AwarenessHead {
  clientId: number;
  clock: number;
  /** Offset of the state's UTF-8 JSON in the update. */
  at: number;
  /** Its length in bytes. */
  length: number;
}

/**
 * An awareness update whose framing is checked but whose states are not decoded: most entries a
 * y-websocket 1.x client sends are echoes of states it heard, which the room drops by client ID
 * and clock alone, never paying for their JSON (see `readAwarenessState`).
 */
export interface AwarenessUpdate {
  readonly payload: Uint8Array;
  readonly heads: readonly AwarenessHead[];
}

export type Message =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: AwarenessUpdate }
  | { kind: 'queryAwareness' };

/**
 * Why a frame was refused: `unsupported` (a message type this protocol does not have) or
 * `invalid` (a known type whose bytes do not decode). The transport maps these to close codes.
 */
export type DecodeFailure = 'unsupported' | 'invalid';

/** A frame that is not a valid y-websocket message. Thrown by every decoder here, and only this. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly failure: DecodeFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/** Document updates with no structs and no deletions: what a peer sends when it has nothing new. */
const EMPTY_UPDATE_LENGTH = 2;

export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === EMPTY_UPDATE_LENGTH && update[0] === 0 && update[1] === 0;
}

function invalid(what: string, cause?: unknown): DecodeError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new DecodeError(`${what}${detail}`, 'invalid', { cause });
}

/**
 * Checks that an update decodes whole, and that no item refers to a later clock of its own
 * client (Yjs only ever refers back: such a reference makes `Y.applyUpdate` throw half-way
 * through integrating, after `decodeUpdate` accepted the bytes).
 */
export function validateUpdate(update: Uint8Array): void {
  let structs: ReturnType<typeof Y.decodeUpdate>['structs'];
  try {
    ({ structs } = Y.decodeUpdate(update));
  } catch (err) {
    throw invalid('undecodable update', err);
  }
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    const { client, clock } = s.id;
    if (refersAhead(s.origin, client, clock) || refersAhead(s.rightOrigin, client, clock) || (s.parent instanceof Y.ID && refersAhead(s.parent, client, clock))) {
      throw invalid(`update refers ahead of its own client (${client}:${clock})`);
    }
  }
}

function refersAhead(ref: Y.ID | null, client: number, clock: number): boolean {
  return ref !== null && ref.client === client && ref.clock >= clock;
}

function readPayload(decoder: decoding.Decoder, what: string): Uint8Array {
  try {
    return decoding.readVarUint8Array(decoder);
  } catch (err) {
    throw invalid(`truncated ${what}`, err);
  }
}

function expectEnd(decoder: decoding.Decoder, what: string): void {
  if (decoding.hasContent(decoder)) throw invalid(`trailing bytes after ${what}`);
}

/** Reads the client IDs, clocks and where each state lies; throws DecodeError when the framing is bad. */
export function readAwarenessHeads(payload: Uint8Array): AwarenessUpdate {
  const decoder = decoding.createDecoder(payload);
  const heads: AwarenessHead[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const length = decoding.readVarUint(decoder);
      const at = decoder.pos;
      if (length > payload.length - at) throw new Error('state runs past the end');
      decoder.pos += length;
      if (clientId > 0xffffffff) throw new Error('client id out of range');
      heads.push({ clientId, clock, at, length });
    }
  } catch (err) {
    throw invalid('undecodable awareness update', err);
  }
  expectEnd(decoder, 'awareness update');
  return { payload, heads };
}

const NULL_JSON = [0x6e, 0x75, 0x6c, 0x6c]; // "null"

/** Whether the entry removes its client's state: y-protocols writes a removal as the JSON text `null`, exactly. */
export function isRemoval(update: AwarenessUpdate, head: AwarenessHead): boolean {
  if (head.length !== 4) return false;
  for (let i = 0; i < 4; i++) if (update.payload[head.at + i] !== NULL_JSON[i]) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one entry's state (the costly part: UTF-8 and JSON). Throws DecodeError when it is not
 * UTF-8 JSON of an object, or is a `null` written otherwise than `isRemoval` reads it.
 */
export function readAwarenessState(update: AwarenessUpdate, head: AwarenessHead): AwarenessEntry {
  const { clientId, clock } = head;
  if (isRemoval(update, head)) return { clientId, clock, state: null, json: 'null' };
  let state: unknown;
  let json: string;
  try {
    json = utf8.decode(update.payload.subarray(head.at, head.at + head.length));
    state = JSON.parse(json);
  } catch (err) {
    throw invalid('undecodable awareness state', err);
  }
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw invalid('awareness state is not an object');
  return { clientId, clock, state: state as Record<string, unknown>, json };
}

/** Every entry of an awareness update, decoded; throws DecodeError on the first that does not decode. */
export function decodeAwarenessUpdate(payload: Uint8Array): AwarenessEntry[] {
  const update = readAwarenessHeads(payload);
  return update.heads.map((head) => readAwarenessState(update, head));
}

/** The entries of an awareness message (type 1) as other instances relay them; throws DecodeError. */
export function decodeAwarenessMessage(bytes: Uint8Array): AwarenessEntry[] {
  const msg = decodeMessage(bytes);
  if (msg.kind !== 'awareness') throw new DecodeError(`expected an awareness message, got ${msg.kind}`, 'unsupported');
  return decodeAwarenessUpdate(msg.update.payload);
}

/** Decodes one frame; throws DecodeError saying why it is refused. */
export function decodeMessage(bytes: Uint8Array): Message {
  const decoder = decoding.createDecoder(bytes);
  let type: number;
  try {
    type = decoding.readVarUint(decoder);
  } catch (err) {
    throw invalid('truncated message type', err);
  }
  switch (type) {
    case MessageType.Sync: {
      let sub: number;
      try {
        sub = decoding.readVarUint(decoder);
      } catch (err) {
        throw invalid('truncated sync type', err);
      }
      if (sub === SyncType.Step1) {
        const stateVector = readPayload(decoder, 'state vector');
        expectEnd(decoder, 'sync step 1');
        try {
          Y.decodeStateVector(stateVector);
        } catch (err) {
          throw invalid('undecodable state vector', err);
        }
        return { kind: 'syncStep1', stateVector };
      }
      if (sub === SyncType.Step2 || sub === SyncType.Update) {
        const update = readPayload(decoder, 'update');
        expectEnd(decoder, 'update');
        validateUpdate(update);
        return sub === SyncType.Step2 ? { kind: 'syncStep2', update } : { kind: 'update', update };
      }
      throw new DecodeError(`unknown sync message type ${sub}`, 'unsupported');
    }
    case MessageType.Awareness: {
      const payload = readPayload(decoder, 'awareness');
      expectEnd(decoder, 'awareness message');
      return { kind: 'awareness', update: readAwarenessHeads(payload) };
    }
    case MessageType.QueryAwareness:
      expectEnd(decoder, 'query awareness');
      return { kind: 'queryAwareness' };
    default:
      throw new DecodeError(`unknown message type ${type}`, 'unsupported');
  }
}

function encodeSync(syncType: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => encodeSync(SyncType.Step1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => encodeSync(SyncType.Step2, update);
export const encodeUpdate = (update: Uint8Array): Uint8Array => encodeSync(SyncType.Update, update);

/** Bytes of the Update message carrying `update`: [Sync, Update, varuint length, update]. */
export function updateMessageLength(update: Uint8Array): number {
  return 2 + varUintLength(update.length) + update.length;
}

/**
 * Writes the Update message carrying `update` into `buf` at `at` (same bytes as
 * `encodeUpdate`); returns the offset after it. For building many messages in one buffer.
 */
export function writeUpdateMessage(buf: Uint8Array, at: number, update: Uint8Array): number {
  buf[at++] = MessageType.Sync;
  buf[at++] = SyncType.Update;
  at = writeVarUint(buf, at, update.length);
  buf.set(update, at);
  return at + update.length;
}

/** Awareness entries, already JSON-encoded (`null` for a removal), as one awareness message. */
export function encodeAwareness(entries: ReadonlyArray<{ clientId: number; clock: number; json: string }>): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(inner, clientId);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, json);
  }
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Awareness);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

/**
 * Tandem's "saved" acknowledgement (type 100; y-websocket uses 0–3, Hocuspocus up to 9), sent
 * only to clients that asked for it (`?acks=1`): the durable clock of each Yjs client ID,
 * as varuint n, then n pairs (varuint client ID, varuint clock).
 */
export function encodeSaved(clocks: Iterable<readonly [clientId: number, clock: number]>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Saved);
  writeSavedBody(e, [...clocks]);
  return encoding.toUint8Array(e);
}

/** Reads a "saved" message (what the editor does); throws DecodeError on anything else. */
export function decodeSaved(bytes: Uint8Array): Map<number, number> {
  const d = decoding.createDecoder(bytes);
  let clocks: Map<number, number>;
  try {
    if (decoding.readVarUint(d) !== MessageType.Saved) throw new Error('not a saved message');
    clocks = readSavedBody(d);
  } catch (err) {
    throw invalid('undecodable saved message', err);
  }
  expectEnd(d, 'saved message');
  return clocks;
}

export function encodeQueryAwareness(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.QueryAwareness);
  return encoding.toUint8Array(e);
}
