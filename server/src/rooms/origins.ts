import type { Connection, ConnectionOrigin } from './Connection.js';

/**
 * Where an update applied to a room came from. Broadcasts skip the sending connection; the
 * cluster bridge skips what came from the cluster. Changes the server makes (`server`) are
 * treated like a peer's but echoed to every peer.
 */
export type UpdateOrigin =
  | ConnectionOrigin
  | { readonly kind: 'cluster' }
  /** Made by the server itself (restore, import): persisted, sent to every peer, replicated like a peer's. */
  | { readonly kind: 'server' };

export const CLUSTER_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'cluster' });
export const SERVER_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'server' });

/** The connection an update must not be echoed to, if any. */
export function senderOf(origin: UpdateOrigin): Connection | undefined {
  return origin.kind === 'conn' ? origin.conn : undefined;
}
