import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from '../logger.js';
import { decodeAwarenessMessage } from '../protocol/messages.js';
import { OwnedIds } from '../rooms/OwnedIds.js';
import type { PresenceOwner } from '../rooms/ports.js';
import type { Room } from '../rooms/Room.js';
import { heartbeatKey, PRESENCE_CHANNEL } from './keys.js';
import type { RedisLink } from './RedisLink.js';

/** Awareness: a change; States: all of one instance's states of a document (answering Query). */
const Kind = { Awareness: 0, Query: 1, Beat: 2, Bye: 3, States: 4 } as const;

/** Each instance says it is alive this often… */
const BEAT_MS = 2000;
/** …and is taken for dead (its users' states removed everywhere) after this much silence. */
const DEAD_AFTER_MS = 6000;

/** Another instance, as the owner of the awareness states of its peers in one document. */
class RemoteOwner implements PresenceOwner {
  readonly remote = true;
  readonly owned = new OwnedIds();
  closed = false;
  constructor(readonly id: string) {}
  missedPong(): boolean {
    return false;
  }
}

export interface RoomLookup {
  get(name: string): Room | undefined;
  names(): Iterable<string>;
}

/**
 * Presence across instances, ephemeral by design (never replayed to newcomers as history): one
 * pub/sub channel carries accepted awareness changes, queries from an instance that opened a
 * document, heartbeats, and goodbyes. Another instance owns the client IDs its peers set, so
 * ownership holds cluster-wide; when it stops beating for DEAD_AFTER_MS its peers' states are
 * removed here (well within the 10 s the design promises).
 */
export class PresenceRelay {
  private readonly owners = new Map<string, RemoteOwner>();
  private readonly lastSeen = new Map<string, number>();
  private beat: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly rooms: RoomLookup,
    private readonly logger: Logger,
    private readonly onBeat: () => void,
  ) {}

  async start(): Promise<void> {
    await this.link.pubsub.subscribe(PRESENCE_CHANNEL, (message: Buffer) => this.handle(message), true);
    this.beat = setInterval(this.tick, BEAT_MS);
    this.beat.unref();
    this.tick();
  }

  private readonly tick = (): void => {
    if (this.link.up) {
      this.publish(Kind.Beat, '', new Uint8Array(0));
      this.link.command(['SET', heartbeatKey(this.instance), String(Date.now()), 'PX', String(DEAD_AFTER_MS)]).catch(() => undefined);
    }
    const now = Date.now();
    for (const [instance, seen] of this.lastSeen) if (now - seen > DEAD_AFTER_MS) this.forget(instance, 'stopped beating');
    this.onBeat();
  };

  publishAwareness(name: string, message: Uint8Array): void {
    this.publish(Kind.Awareness, name, message);
  }

  /** Asks the instances that have `name` open for their peers' states. */
  query(name: string): void {
    this.publish(Kind.Query, name, new Uint8Array(0));
  }

  /**
   * Tells the instances that have `name` open every state this one's peers set there, replacing
   * what they hold from it: after a spell of local-only mode, removals it could not publish.
   */
  announce(name: string): void {
    const room = this.rooms.get(name);
    if (room) this.publish(Kind.States, name, room.presence.localSnapshot());
  }

  private publish(kind: number, name: string, payload: Uint8Array): void {
    if (!this.link.up) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, kind);
    encoding.writeVarString(e, this.instance);
    encoding.writeVarString(e, name);
    encoding.writeVarUint8Array(e, payload);
    this.link.command(['PUBLISH', PRESENCE_CHANNEL, Buffer.from(encoding.toUint8Array(e))]).catch(() => undefined);
  }

  private handle(message: Buffer): void {
    let kind: number, from: string, name: string, payload: Uint8Array;
    try {
      const d = decoding.createDecoder(message);
      kind = decoding.readVarUint(d);
      from = decoding.readVarString(d);
      name = decoding.readVarString(d);
      payload = decoding.readVarUint8Array(d);
    } catch (err) {
      this.logger.warn({ err }, 'unreadable presence message from Redis: dropped');
      return;
    }
    if (from === this.instance) return;
    this.lastSeen.set(from, Date.now());
    if (kind === Kind.Bye) return this.forget(from, 'said goodbye');
    const room = name === '' ? undefined : this.rooms.get(name);
    if (!room) return;
    if (kind === Kind.Query) {
      this.announce(name);
    } else if (kind === Kind.Awareness || kind === Kind.States) {
      try {
        const entries = decodeAwarenessMessage(payload);
        if (kind === Kind.States) room.presence.replaceRemote(this.ownerOf(from, name), entries);
        else room.presence.handleRemote(this.ownerOf(from, name), entries);
      } catch (err) {
        this.logger.warn({ doc: name, instance: from, err }, 'undecodable awareness from another instance: dropped');
      }
    }
  }

  private ownerOf(instance: string, name: string): RemoteOwner {
    const key = `${instance}\u0000${name}`;
    let owner = this.owners.get(key);
    if (!owner) this.owners.set(key, (owner = new RemoteOwner(instance)));
    return owner;
  }

  /** An instance is gone: its peers' states leave every open document here. */
  private forget(instance: string, why: string): void {
    this.lastSeen.delete(instance);
    let dropped = 0;
    for (const [key, owner] of this.owners) {
      if (owner.id !== instance) continue;
      owner.closed = true;
      this.owners.delete(key);
      this.rooms.get(key.slice(instance.length + 1))?.presence.dropOwner(owner);
      dropped++;
    }
    this.logger.info({ instance, documents: dropped }, `another instance ${why}: its users' presence removed`);
  }

  /** A document closed here: forget its remote owners (their states went with the room). */
  closed(name: string): void {
    for (const key of this.owners.keys()) if (key.endsWith(`\u0000${name}`)) this.owners.delete(key);
  }

  async stop(): Promise<void> {
    clearInterval(this.beat);
    if (this.link.up) {
      this.publish(Kind.Bye, '', new Uint8Array(0));
      await this.link.command(['DEL', heartbeatKey(this.instance)]).catch(() => undefined);
    }
  }
}
