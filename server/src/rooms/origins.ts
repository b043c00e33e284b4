import type { Connection } from './Connection.js';

/**
 * Where an update applied to a room came from. Broadcasts skip the sending connection;
 * persistence skips what came from the store; the cluster bridge skips what came from the cluster.
 */
export type UpdateOrigin =
  | { readonly kind: 'conn'; readonly conn: Connection }
  | { readonly kind: 'store' }
  | { readonly kind: 'cluster' };

export const STORE_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'store' });
export const CLUSTER_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'cluster' });

/** The connection an update must not be echoed to, if any. */
export function senderOf(origin: UpdateOrigin): Connection | undefined {
  return origin.kind === 'conn' ? origin.conn : undefined;
}
