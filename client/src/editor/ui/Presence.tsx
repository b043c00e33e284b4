import type { Awareness } from 'y-protocols/awareness';
import { safeColor } from '@tandem/schema';
import { useAwarenessState } from './useAwarenessState';

interface Peer {
  clientId: number;
  name: string;
  color: string;
  self: boolean;
  /** The server vouches for the name (a token that named its holder): `user.verified`. */
  verified: boolean;
}

const NO_PEERS: Peer[] = [];

function readPeers(awareness: Awareness): Peer[] {
  const peers: Peer[] = [];
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: { name?: unknown; color?: unknown; verified?: unknown } }).user;
    if (!user || typeof user.name !== 'string') return; // a client that has not said who it is yet
    peers.push({
      clientId,
      name: user.name,
      color: safeColor(user.color) ?? '#5f6368', // grey dark enough for white initials (4.5:1)
      self: clientId === awareness.clientID,
      verified: user.verified === true,
    });
  });
  // Me first, then everyone else in a stable order.
  return peers.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

function samePeers(a: Peer[], b: Peer[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i]!;
    return p.clientId === q.clientId && p.name === q.name && p.color === q.color && p.self === q.self && p.verified === q.verified;
  });
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map((w) => [...w][0]) : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

/**
 * Everyone in the document (from awareness), one avatar each in their colour. With
 * `markUnverified` (the server checks credentials, so a name can be vouched for) another
 * person's name the server did not vouch for says so in its tooltip: anyone with a link can type
 * any name. On an open server no name is verified, and saying so on every avatar would be noise.
 */
export function Presence({ awareness, markUnverified = false }: { awareness: Awareness; markUnverified?: boolean }) {
  // Re-rendered only when who is here (or their name, colour) changed, not when carets move.
  const peers = useAwarenessState(awareness, readPeers, samePeers, NO_PEERS);

  return (
    <ul className="tandem-presence" aria-label="People in this document">
      {peers.map((p) => (
        <li
          key={p.clientId}
          className={p.self ? 'tandem-avatar tandem-avatar--self' : 'tandem-avatar'}
          style={{ backgroundColor: p.color }}
          aria-label={p.name}
          title={markUnverified && !p.self && !p.verified ? `${p.name} (unverified)` : p.name}
          data-user-name={p.name}
          data-verified={p.verified ? 'true' : 'false'}
          data-self={p.self || undefined}
        >
          <span aria-hidden="true">{initials(p.name)}</span>
        </li>
      ))}
    </ul>
  );
}
