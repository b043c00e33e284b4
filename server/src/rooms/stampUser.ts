import { safeColor } from '@tandem/schema/colors';

/**
 * The awareness state as the server relays it (DESIGN.md, contracts "access" and "hardening"):
 * `user.verified` is the server's word, never the client's — `true` only when the connection's
 * token carried a `name`, which then replaces whatever name the client claims. A `user.color`
 * that is not a colour is dropped: peers put it into `style`. Returns the JSON to relay.
 */
export function stampUser(state: Record<string, unknown>, verifiedName: string | undefined): string {
  const user = state.user;
  const stamped: Record<string, unknown> = user !== null && typeof user === 'object' && !Array.isArray(user) ? { ...(user as Record<string, unknown>) } : {};
  if (verifiedName !== undefined) stamped.name = verifiedName;
  stamped.verified = verifiedName !== undefined;
  if ('color' in stamped && safeColor(stamped.color) === undefined) delete stamped.color;
  return JSON.stringify({ ...state, user: stamped });
}
