import type { Awareness } from 'y-protocols/awareness';
import { safeColor } from '@tandem/schema';
import { useEffect, useRef, useState } from 'react';
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

/** Avatars shown in the bar; beyond this, "+N" opens the list of everyone. */
const SHOWN = 4;

function Avatar({ peer, markUnverified, as: Tag = 'li' }: { peer: Peer; markUnverified: boolean; as?: 'li' | 'span' }) {
  return (
    <Tag
      className={peer.self ? 'tandem-avatar tandem-avatar--self' : 'tandem-avatar'}
      style={{ backgroundColor: peer.color }}
      aria-label={peer.name}
      title={markUnverified && !peer.self && !peer.verified ? `${peer.name} (unverified)` : peer.name}
      data-user-name={peer.name}
      data-verified={peer.verified ? 'true' : 'false'}
      data-self={peer.self || undefined}
    >
      <span aria-hidden="true">{initials(peer.name)}</span>
    </Tag>
  );
}

/**
 * Everyone in the document (from awareness), one avatar each in their colour; past a few, "+N".
 * With `markUnverified` (the server checks credentials, so a name can be vouched for) another
 * person's name the server did not vouch for says so in its tooltip: anyone with a link can type
 * any name. On an open server no name is verified, and saying so on every avatar would be noise.
 */
export function Presence({ awareness, markUnverified = false }: { awareness: Awareness; markUnverified?: boolean }) {
  // Re-rendered only when who is here (or their name, colour) changed, not when carets move.
  const peers = useAwarenessState(awareness, readPeers, samePeers, NO_PEERS);
  // Showing SHOWN - 1 avatars and "+N" would hide just one person: show all SHOWN then.
  const shown = peers.length > SHOWN ? peers.slice(0, SHOWN - 1) : peers;
  const rest = peers.length - shown.length;

  return (
    <div className="tandem-presence-wrap">
      <ul className="tandem-presence" aria-label="People in this document">
        {shown.map((p) => (
          <Avatar key={p.clientId} peer={p} markUnverified={markUnverified} />
        ))}
      </ul>
      {rest > 0 && <PeopleList peers={peers} rest={rest} markUnverified={markUnverified} />}
    </div>
  );
}

/** "+N" and its popover: everyone, with a filter by name (a crowd of 300 does not fit a bar). */
function PeopleList({ peers, rest, markUnverified }: { peers: Peer[]; rest: number; markUnverified: boolean }) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const close = (refocus: boolean) => {
    setOpen(false);
    setFilter('');
    if (refocus) button.current?.focus();
  };
  // A click anywhere else closes the list, as menus do.
  useEffect(() => {
    if (!open) return;
    const handleDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.composedPath()[0] as Node)) close(false);
    };
    document.addEventListener('mousedown', handleDown);
    return () => document.removeEventListener('mousedown', handleDown);
  }, [open]);
  const wanted = filter.trim().toLocaleLowerCase();
  const matching = wanted ? peers.filter((p) => p.name.toLocaleLowerCase().includes(wanted)) : peers;

  return (
    <div className="tandem-people" ref={root}>
      <button
        type="button"
        ref={button}
        className="tandem-people__more"
        aria-label={`Show all ${peers.length} people`}
        aria-expanded={open}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        +{rest}
      </button>
      {open && (
        <div
          className="tandem-people__popover"
          role="dialog"
          aria-label="Everyone in this document"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close(true);
            }
          }}
        >
          <input
            type="search"
            className="tandem-people__filter"
            aria-label="Filter people by name"
            placeholder="Find a person"
            autoFocus
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <p className="tandem-people__count" aria-live="polite">
            {matching.length === peers.length ? `${peers.length} people` : `${matching.length} of ${peers.length} people`}
          </p>
          <ul className="tandem-people__list" aria-label="People">
            {matching.map((p) => (
              <li key={p.clientId} className="tandem-people__row">
                <Avatar peer={p} markUnverified={markUnverified} as="span" />
                <span className="tandem-people__name">{p.self ? `${p.name} (you)` : p.name}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
