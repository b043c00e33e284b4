import type { RoomWatcher } from '../rooms/ports.js';
import { VersionRecorder, type VersionDeps } from './VersionRecorder.js';

/** What a recorder needs of its room. */
export interface RecordedRoom {
  readonly name: string;
  /** The whole document as one update, read when a version is made. */
  wholeState(): Uint8Array;
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
    const recorder = new VersionRecorder(room.name, this.deps, () => room.wholeState());
    this.open.set(room.name, recorder);
    // A room loaded again while its predecessor unloads replaces it here; the old one must not remove it.
    const forget = () => {
      if (this.open.get(room.name) === recorder) this.open.delete(room.name);
    };
    return {
      changed: (author) => recorder.changed(author),
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
