/**
 * Tandem's "saved" acknowledgement (DESIGN.md, "Contract — saved acknowledgement"): message
 * type 100 (y-websocket uses 0–3, Hocuspocus up to 9), then varuint n and n pairs (varuint Yjs
 * client ID, varuint durable clock). This file imports only lib0: the editor's copy
 * (client/src/editor/sync/savedCodec.generated.ts) is generated from it by scripts/build.mjs, and a
 * unit test fails when the two differ.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MESSAGE_SAVED = 100;

/** Writes the body after the message type: n × (client ID, durable clock). */
export function writeSavedBody(encoder: encoding.Encoder, clocks: ReadonlyArray<readonly [clientId: number, clock: number]>): void {
  encoding.writeVarUint(encoder, clocks.length);
  for (const [clientId, clock] of clocks) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
  }
}

/** Reads the body after the message type; throws on a truncated one. */
export function readSavedBody(decoder: decoding.Decoder): Map<number, number> {
  const clocks = new Map<number, number>();
  const n = decoding.readVarUint(decoder);
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(decoder);
    clocks.set(clientId, decoding.readVarUint(decoder));
  }
  return clocks;
}
