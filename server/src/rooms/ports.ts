import type * as Y from 'yjs';
import type { Access } from '../auth/access.js';
import type { VersionAuthor } from '../storage/kinds/versions.js';
import type { OwnedIds } from './OwnedIds.js';

/**
 * What rooms need from the layers around them, as interfaces: the transport implements them
 * (transport/), tests implement them with fakes of the edges. Rooms never see `ws` or sockets.
 */

/**
 * Messages encoded once for many receivers by the transport's `Wire` (for WebSockets: framed),
 * with what metrics and the output cap need to know of them.
 */
export interface Outgoing {
  /** Bytes for `SocketLike.sendEncoded`, the same for every receiver. */
  readonly data: Uint8Array;
  /** Number of messages in `data`. */
  readonly count: number;
  /** Payload bytes of those messages (without transport headers). */
  readonly bytes: number;
  /** Size of the largest single message as sent: the output cap is checked as if each were sent alone. */
  readonly largest: number;
}

/** Encodes messages once for N sockets ("frame once, write to N"). */
export interface Wire {
  /** One protocol message. */
  message(payload: Uint8Array): Outgoing;
  /** The Update messages of `updates[from..to)`, back to back. */
  updates(updates: readonly Uint8Array[], from: number, to: number): Outgoing;
}

/** What a room needs of a socket. */
export interface SocketLike {
  /** Sends one protocol message. */
  send(message: Uint8Array): void;
  /** Writes what the room's `Wire` encoded (shared by every receiver of a broadcast). */
  sendEncoded(out: Outgoing): void;
  close(code: number, reason: string): void;
  terminate(): void;
  /** Pings with `data` as the payload, which the peer's pong must echo. */
  ping(data?: Uint8Array): void;
  /** Output queued and not yet taken by the peer. */
  readonly backlog: number;
  /** Bytes sent so far, those still queued included: where the next message sits in the stream. */
  readonly sent: number;
}

/**
 * Scale-out as rooms see it (cluster/ implements it over Redis; absent without REDIS_URL).
 * Rooms call it; it calls rooms back through the registry.
 */
export interface ClusterPort {
  /**
   * Catches a loading document up with the shared log, after the store was read and before
   * anyone is answered: resolves with the updates the store lacks.
   */
  open(name: string, local: () => import('yjs').Doc): Promise<Uint8Array[]>;
  /**
   * The document's room unloaded. Resolves once the bookkeeping that waits for the room's last
   * edits to settle is written (never rejects); the store must stay open until then. `erasing`:
   * the document is being deleted, so nothing is recorded for it.
   */
  close(name: string, erasing?: boolean): Promise<void>;
  /**
   * What a batch's updates become visible on: the store's write and, for updates of local
   * peers (`update` given), the shared log's acknowledgement. The same `written` gives the same
   * promise, so a room's batch stays one batch.
   */
  replicate(name: string, written: Promise<void>, update: Uint8Array | undefined): Promise<void>;
  /** An awareness change accepted from a local peer, as relayed to them. */
  publishAwareness(name: string, message: Uint8Array): void;
}

/** Who may set an awareness client ID's state: a local connection, or another instance. */
export interface PresenceOwner {
  readonly id: number | string;
  /** Set for another instance; a local connection has none. */
  readonly remote?: true;
  /** A closed connection, or an instance that stopped beating: its IDs are free. */
  readonly closed: boolean;
  /** Whether it left a ping unanswered for `graceMs` (never, for another instance). */
  missedPong(now: number, graceMs: number): boolean;
  /** The client IDs it set. */
  readonly owned: OwnedIds;
}

/**
 * What follows a room while it is loaded (history/ implements it: version history). It
 * subscribes to the room's applied changes itself (`Room.onApplied`); rooms tell it only of
 * their end, and know nothing else of it.
 */
export interface RoomWatcher {
  /** The room closes with its state kept: finish what is owed (a last version). */
  close(): Promise<void>;
  /** The room is dropped (deleted, or gone with an error): stop at once. Idempotent. */
  stop(): void;
}

/**
 * What the policy says of an update: undefined accepts it; `refuse` closes its sender with 1008
 * and nothing of it is applied; `missing`: it builds on changes this instance does not hold yet,
 * and can be judged only once they are here.
 */
export type PolicyVerdict = undefined | { refuse: string } | { missing: string };

/**
 * Whether `update` from a connection with `access` may be applied to `doc` (the review rules:
 * server.ts wires them; rooms know nothing of comments or suggestions). `unapplied`: the updates
 * accepted before it and not yet in `doc`, which it may build on.
 */
export type UpdatePolicy = (doc: Y.Doc, update: Uint8Array, access: Access, unapplied: () => Iterable<Uint8Array>) => PolicyVerdict;
