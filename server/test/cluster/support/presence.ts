// Presence as the editor sets it (a name and a Yjs cursor) and as a client sees it, plus the
// raw awareness frame a y-websocket client would send, for the forgery tests.
import * as Y from 'yjs';
import type { Client } from '../../helpers.js';
import { body } from './docs.js';

/** Sets the editor's presence fields: a name and a cursor at the start of the body. */
export function setPresence(c: Client, name: string): void {
  const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(body(c.doc), 0)) as unknown;
  c.provider.awareness.setLocalState({ user: { name, color: '#3366ff' }, cursor: { anchor: at, head: at } });
}

export interface PeerState {
  user?: { name?: string };
  cursor?: unknown;
}

/** Other clients' states as this client sees them, by client ID (its own left out). */
export function peers(c: Client): Map<number, PeerState> {
  const out = new Map<number, PeerState>();
  for (const [id, s] of c.provider.awareness.getStates()) if (id !== c.doc.clientID) out.set(id, s as PeerState);
  return out;
}

/** Names of every state this client sees (its own included), sorted. */
export function names(c: Client): string[] {
  return [...c.provider.awareness.getStates().values()]
    .map((s) => (s as PeerState).user?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
}

