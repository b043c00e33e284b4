import type { Connection } from '../rooms/Connection.js';
import type { UpdateOrigin } from '../rooms/origins.js';
import type { RoomWatcher } from '../rooms/ports.js';
import type { VersionAuthor } from '../storage/kinds/versions.js';
import { VersionRecorder, type VersionDeps } from './VersionRecorder.js';

/** What a recorder needs of its room. */
export interface RecordedRoom {
  readonly name: string;
  /** The whole document as one update, read when a version is made. */
  wholeState(): Uint8Array;
  /** When a change was last applied (ms since the epoch; 0: none since loading). */
  readonly lastChangeAt: number;
  /** The stored document's size (the summary's `size`). */
  readonly storedBytes: number;
  /** Subscribes to the changes applied to the room: where each update came from, in order. */
  onApplied(listener: (origins: readonly UpdateOrigin[]) => void): void;
  /** The name a connection's awareness state declares, if any. */
  readonly presence: { declaredName(conn: Connection): string | undefined };
}

/**
 * The version recorders of the open documents: the registry gives each room it loads one
 * (`watch`, a RoomWatcher), and the document service finds the recorder of an open document here.
 */
export class VersionRecorders {
  private readonly open = new Map<string, VersionRecorder>();

  constructor(private readonly deps: VersionDeps) {}

  /** The watcher of a room that has just loaded. */
  readonly watch = (room: RecordedRoom): RoomWatcher => {
    const recorder = new VersionRecorder(room.name, this.deps, () => room.wholeState(), () => room.lastChangeAt, () => room.storedBytes);
    this.open.set(room.name, recorder);
    room.onApplied((origins) => noteAuthors(room, recorder, origins));
    // A room loaded again while its predecessor unloads replaces it here; the old one must not remove it.
    const forget = () => {
      if (this.open.get(room.name) === recorder) this.open.delete(room.name);
    };
    return {
      close: async () => {
        try {
          await recorder.close();
        } finally {
          forget();
        }
      },
      stop: () => {
        recorder.stop();
        forget();
      },
    };
  };

  /** The recorder of an open document. */
  get(name: string): VersionRecorder | undefined {
    return this.open.get(name);
  }
}

/** Tells the recorder who changed the document (a run of one sender counts once). */
function noteAuthors(room: RecordedRoom, recorder: VersionRecorder, origins: readonly UpdateOrigin[]): void {
  let previous: UpdateOrigin | undefined;
  for (const origin of origins) {
    if (origin === previous) continue;
    previous = origin;
    // Another instance or the server (undefined): who, only that one knows.
    recorder.changed(origin.kind === 'conn' ? authorOf(room, origin.conn) : undefined);
  }
}

/** A token's name is verified; the name in the peer's awareness state is only declared. */
function authorOf(room: RecordedRoom, conn: Connection): VersionAuthor {
  const { userName } = conn.access;
  if (userName !== undefined) return { name: userName, verified: true };
  return { name: room.presence.declaredName(conn) ?? 'Anonymous', verified: false };
}
