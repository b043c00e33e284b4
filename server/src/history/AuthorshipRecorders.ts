import * as Y from 'yjs';
import { identityOf } from '../review/author.js';
import type { Connection } from '../rooms/Connection.js';
import type { UpdateOrigin } from '../rooms/origins.js';
import type { RoomWatcher } from '../rooms/ports.js';
import type { Logger } from '../logger.js';
import type { Attributed, Authorship, AuthorshipStore, DeletedRun } from '../storage/kinds/authorship.js';

/** What the recorder needs of its room. */
export interface AttributedRoom {
  readonly name: string;
  onApplied(listener: (origins: readonly UpdateOrigin[], updates: readonly Uint8Array[]) => void): void;
  /** The name a connection's awareness state declares, if any. */
  readonly presence: { declaredName(conn: Connection): string | undefined };
}

/** What is recorded is written at most this often per document (and when the room closes). */
export const AUTHORSHIP_FLUSH_MS = 1000;

const ANONYMOUS = 'Anonymous';

/**
 * Who a connection is (DESIGN.md, "Identity"): the token's `sub` (or the signed-in person) with
 * its verified name, else no id and the name the person gave (their token's, or their awareness
 * state's).
 */
export function attributedOf(conn: Connection, declared: string | undefined): Attributed {
  const identity = identityOf(conn.access);
  const given = conn.access.userName ?? declared;
  if (identity) return { id: identity.id, name: identity.name ?? given ?? identity.id };
  return { id: null, name: given ?? ANONYMOUS };
}

/**
 * One open document's recorder: for every update a connection sends, the Yjs client ids of its
 * structs not yet known here (the first sender of a client id wrote with it) and the runs its
 * delete set removes, each with the sender; written in batches.
 */
class AuthorshipRecorder {
  /** Client ids seen since the room loaded (recorded, or waiting to be). */
  private readonly known = new Map<number, Attributed>();
  private clients: Array<readonly [number, Attributed]> = [];
  /** Deleted runs not written yet, by client id: adjacent runs of one deleter are merged here. */
  private deletions = new Map<number, DeletedRun[]>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly store: AuthorshipStore,
    private readonly logger: Logger,
  ) {}

  noteUpdate(update: Uint8Array, who: Attributed): void {
    if (this.stopped) return;
    // The update was decoded whole and applied already, so this cannot throw on bad bytes.
    const { structs, ds } = Y.decodeUpdate(update);
    let last = -1;
    for (const s of structs) {
      const client = s.id.client;
      if (client === last) continue;
      last = client;
      const seen = this.known.get(client);
      // A first update may come before its sender's awareness state named it.
      if (seen && !(seen.id === null && seen.name === ANONYMOUS && who.name !== ANONYMOUS)) continue;
      this.known.set(client, who);
      this.clients.push([client, who]);
    }
    for (const [client, items] of ds.clients) for (const item of items) this.noteDeletion(client, item.clock, item.len, who);
    this.schedule();
  }

  private noteDeletion(client: number, clock: number, length: number, by: Attributed): void {
    let runs = this.deletions.get(client);
    if (!runs) this.deletions.set(client, (runs = []));
    // Backspacing deletes one item after another, each before the last: one run, not one per key.
    for (const run of runs) {
      if (run.by.id !== by.id || run.by.name !== by.name) continue;
      if (run.clock + run.length === clock) {
        run.length += length;
        return;
      }
      if (clock + length === run.clock) {
        run.clock = clock;
        run.length += length;
        return;
      }
    }
    runs.push({ client, clock, length, by });
  }

  private schedule(): void {
    if (this.timer || (this.clients.length === 0 && this.deletions.size === 0)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, AUTHORSHIP_FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what waits; errors are logged (attribution is lost, the document never is). */
  flush(): Promise<void> {
    const clients = this.clients;
    const deletions = [...this.deletions.values()].flat();
    this.clients = [];
    this.deletions = new Map();
    if (clients.length === 0 && deletions.length === 0) return this.writing;
    this.writing = this.writing
      .then(() => this.store.recordAuthorship(this.name, { clients, deletions }))
      .catch((err: unknown) => this.logger.warn({ doc: this.name, err }, 'recording who changed the document failed'));
    return this.writing;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The authorship recorders of the open documents (compare's attribution, DESIGN.md "Compare"):
 * the registry gives each room it loads one through `watch`, beside its version recorder.
 */
export class AuthorshipRecorders {
  private readonly open = new Map<string, AuthorshipRecorder>();

  constructor(
    private readonly store: AuthorshipStore,
    private readonly logger: Logger,
  ) {}

  /** Everything recorded of the document, with what an open room has not written yet. */
  async read(name: string): Promise<Authorship> {
    await this.open.get(name)?.flush();
    return this.store.readAuthorship(name);
  }

  readonly watch = (room: AttributedRoom): RoomWatcher => {
    const recorder = new AuthorshipRecorder(room.name, this.store, this.logger);
    this.open.set(room.name, recorder);
    // A room loaded again while its predecessor unloads replaces it here; the old one must not remove it.
    const forget = () => {
      if (this.open.get(room.name) === recorder) this.open.delete(room.name);
    };
    room.onApplied((origins, updates) => {
      try {
        for (const [i, origin] of origins.entries()) {
          // Another instance's updates are recorded there; the server's own changes have nobody behind them.
          if (origin.kind !== 'conn') continue;
          recorder.noteUpdate(updates[i]!, attributedOf(origin.conn, room.presence.declaredName(origin.conn)));
        }
      } catch (err) {
        // Runs inside the write pipeline's apply step: attribution may be lost, the batch's acknowledgements must not be.
        this.logger.warn({ doc: room.name, err }, 'reading who changed the document failed');
      }
    });
    return {
      close: () => recorder.close().finally(forget),
      stop: () => {
        recorder.stop();
        forget();
      },
    };
  };
}
