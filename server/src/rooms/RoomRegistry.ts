import type { CloseCode } from '../closeCodes.js';
import { CapacityError, UnavailableError } from '../errors.js';
import { Room, type RoomDeps } from './Room.js';
import type { Connection } from './Connection.js';

/** What keeps a loaded room in memory besides its connections. */
interface Lease {
  /** Joins under way (upgrade not finished): the room must not unload under them. */
  pins: number;
  /** Set while the room is empty and waiting out the grace period. */
  unloadTimer: NodeJS.Timeout | undefined;
}

export interface RegistryOptions {
  unloadGraceMs: number;
  maxOpenDocuments: number;
  /** A room's last connection left (it is still loaded, for `unloadGraceMs`). */
  onIdle?: ((room: Room) => void) | undefined;
}

/**
 * Loads and unloads rooms. Concurrent joins of a cold document share one load; a room that is
 * unloading finishes first and is then loaded afresh, so no join is answered from a room that
 * is half loaded or half gone.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly leases = new Map<Room, Lease>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();
  /** Set by closeAll: a room loaded after it began would never be closed (nor its writes awaited). */
  private closing = false;

  constructor(
    private readonly deps: RoomDeps,
    private readonly options: RegistryOptions,
  ) {}

  has(name: string): boolean {
    return this.rooms.has(name) || this.loading.has(name);
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  /** Names of the loaded documents. */
  names(): IterableIterator<string> {
    return this.rooms.keys();
  }

  /** Whether a new document could be opened now (cheap check before an upgrade). */
  canOpen(name: string): boolean {
    return this.has(name) || this.rooms.size + this.loading.size < this.options.maxOpenDocuments;
  }

  /** The loaded room, pinned against unloading until `join` or `unpin`. */
  async acquire(name: string): Promise<Room> {
    for (;;) {
      if (this.closing) throw new UnavailableError('the server is stopping');
      const unloading = this.unloading.get(name);
      if (unloading) {
        await unloading;
        continue;
      }
      const room = this.rooms.get(name);
      if (room) {
        const lease = this.leases.get(room)!;
        clearTimeout(lease.unloadTimer);
        lease.unloadTimer = undefined;
        lease.pins++;
        return room;
      }
      let loading = this.loading.get(name);
      if (!loading) {
        if (!this.canOpen(name)) throw new CapacityError('too many open documents');
        loading = this.load(name);
        this.loading.set(name, loading);
      }
      await loading;
    }
  }

  private async load(name: string): Promise<Room> {
    try {
      const room = await Room.load(name, this.deps);
      this.rooms.set(name, room);
      this.leases.set(room, { pins: 0, unloadTimer: undefined });
      this.deps.metrics.documentsLoaded.set(this.rooms.size);
      // Nobody may end up joining (the socket died meanwhile): let it unload then.
      queueMicrotask(() => this.maybeUnload(room));
      return room;
    } finally {
      this.loading.delete(name);
    }
  }

  join(room: Room, conn: Connection): void {
    this.leases.get(room)!.pins--;
    room.join(conn);
  }

  unpin(room: Room): void {
    this.leases.get(room)!.pins--;
    this.maybeUnload(room);
  }

  leave(room: Room, conn: Connection): void {
    room.leave(conn);
    if (room.peers === 0 && this.rooms.get(room.name) === room) this.options.onIdle?.(room);
    this.maybeUnload(room);
  }

  private maybeUnload(room: Room): void {
    const lease = this.leases.get(room);
    if (!lease || room.peers > 0 || lease.pins > 0 || lease.unloadTimer) return;
    lease.unloadTimer = setTimeout(() => {
      lease.unloadTimer = undefined;
      void this.unload(room);
    }, this.options.unloadGraceMs);
  }

  private async unload(room: Room): Promise<void> {
    const lease = this.leases.get(room);
    if (!lease || room.peers > 0 || lease.pins > 0) return;
    this.rooms.delete(room.name);
    this.leases.delete(room);
    const released = this.deps.cluster?.close(room.name);
    const done = room.idle().then(() => closeRoom(room)).then(() => released).then(() => {
      this.deps.store.release(room.name);
      this.deps.metrics.documentsLoaded.set(this.rooms.size);
      this.deps.logger.debug({ doc: room.name }, 'document unloaded');
    });
    this.unloading.set(room.name, done);
    try {
      await done;
    } finally {
      this.unloading.delete(room.name);
    }
  }

  /**
   * Removes a document: its peers here are closed with `code`, its room dropped without a last
   * compaction or version, then `erase` removes what is stored. Joins wait until it is done,
   * and then find an empty document.
   */
  async remove(name: string, code: CloseCode, reason: string, erase: () => Promise<void>): Promise<void> {
    for (;;) {
      const busy = this.unloading.get(name) ?? this.loading.get(name);
      if (!busy) break;
      await busy.catch(() => undefined);
    }
    const done = (async () => {
      const room = this.rooms.get(name);
      if (room) {
        this.rooms.delete(name);
        const lease = this.leases.get(room);
        clearTimeout(lease?.unloadTimer);
        this.leases.delete(room);
        void this.deps.cluster?.close(name, true);
        room.watcher?.stop();
        room.closeAll(code, reason);
        await room.idle();
        room.destroy();
        this.deps.store.release(name);
        this.deps.metrics.documentsLoaded.set(this.rooms.size);
      }
      await erase();
    })();
    this.unloading.set(name, done);
    try {
      await done;
    } finally {
      this.unloading.delete(name);
    }
  }

  /** Waits for every room's writes, then drops them all (shutdown). */
  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.loading.values()].map((p) => p.catch(() => undefined)));
    const rooms = [...this.rooms.values()];
    this.rooms.clear();
    for (const lease of this.leases.values()) clearTimeout(lease.unloadTimer);
    this.leases.clear();
    await Promise.all(rooms.map(async (room) => {
      await room.idle();
      await closeRoom(room);
    }));
    await Promise.all(this.unloading.values());
    this.deps.metrics.documentsLoaded.set(0);
  }
}

/** Leaves a closing room's stored document as one snapshot, then frees it. */
async function closeRoom(room: Room): Promise<void> {
  await room.watcher?.close();
  room.compactBeforeClose();
  await room.idle();
  room.destroy();
}
