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
import { CloseCode } from '../closeCodes.js';
import { frameHeaderLength, writeFrameHeader, type Framed } from './frame.js';
import { ProtocolError } from '../errors.js';

export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;
export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;

/** One awareness entry; `state === null` means the client is gone. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
  /** The state's JSON text as received, relayed as is. */
  json: string;
}

export type Message =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; entries: AwarenessEntry[] }
  | { kind: 'queryAwareness' };

/** Document updates with no structs and no deletions: what a peer sends when it has nothing new. */
const EMPTY_UPDATE_LENGTH = 2;

export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === EMPTY_UPDATE_LENGTH && update[0] === 0 && update[1] === 0;
}

function invalid(what: string, cause?: unknown): ProtocolError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new ProtocolError(`${what}${detail}`, CloseCode.InvalidPayload, { cause });
}

/** Checks that an update decodes whole, so applying it cannot fail half-way. */
export function validateUpdate(update: Uint8Array): void {
  try {
    Y.decodeUpdate(update);
  } catch (err) {
    throw invalid('undecodable update', err);
  }
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

export function decodeAwarenessUpdate(bytes: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(bytes);
  const entries: AwarenessEntry[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      const state: unknown = JSON.parse(json);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new Error('state is neither an object nor null');
      }
      if (clientId > 0xffffffff) throw new Error('client id out of range');
      entries.push({ clientId, clock, state: state as Record<string, unknown> | null, json });
    }
  } catch (err) {
    throw invalid('undecodable awareness update', err);
  }
  expectEnd(decoder, 'awareness update');
  return entries;
}

/** Decodes one frame; throws ProtocolError with the close code the frame deserves. */
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
      throw new ProtocolError(`unknown sync message type ${sub}`, CloseCode.UnsupportedData);
    }
    case MessageType.Awareness: {
      const payload = readPayload(decoder, 'awareness');
      expectEnd(decoder, 'awareness message');
      return { kind: 'awareness', entries: decodeAwarenessUpdate(payload) };
    }
    case MessageType.QueryAwareness:
      expectEnd(decoder, 'query awareness');
      return { kind: 'queryAwareness' };
    default:
      throw new ProtocolError(`unknown message type ${type}`, CloseCode.UnsupportedData);
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

function varUintLength(n: number): number {
  let len = 1;
  while (n > 127) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Bytes of the Update message carrying `update`: [Sync, Update, varuint length, update]. */
function updateMessageLength(update: Uint8Array): number {
  return 2 + varUintLength(update.length) + update.length;
}

/**
 * The Update messages of `updates[from..to)`, each framed for the wire, back to back in one
 * buffer: what a peer of a busy document gets in one write. Same bytes as `frameBinary` of
 * `encodeUpdate` for each.
 */
export function frameUpdateMessages(updates: readonly Uint8Array[], from = 0, to = updates.length): Framed {
  let size = 0;
  let bytes = 0;
  let largest = 0;
  for (let i = from; i < to; i++) {
    const len = updateMessageLength(updates[i]!);
    const frame = frameHeaderLength(len) + len;
    size += frame;
    bytes += len;
    if (frame > largest) largest = frame;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = from; i < to; i++) {
    const update = updates[i]!;
    at = writeFrameHeader(out, at, updateMessageLength(update));
    out[at++] = MessageType.Sync;
    out[at++] = SyncType.Update;
    let n = update.length;
    while (n > 127) {
      out[at++] = 0x80 | (n & 0x7f);
      n = Math.floor(n / 128);
    }
    out[at++] = n;
    out.set(update, at);
    at += update.length;
  }
  return { frames: out, count: to - from, bytes, largest };
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

export function encodeQueryAwareness(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.QueryAwareness);
  return encoding.toUint8Array(e);
}
