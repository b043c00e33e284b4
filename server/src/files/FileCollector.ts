import * as Y from 'yjs';
import { CapacityError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { FileStore } from '../storage/kinds/files.js';
import type { VersionStore } from '../storage/kinds/versions.js';
import { fileRefs } from './fileRefs.js';

export interface FileCollectorDeps {
  /** The files and their upload times (with scale-out, every instance's: cluster/SharedFiles.ts). */
  store: FileStore;
  /** The version history. */
  versions: VersionStore;
  /** Where the documents' current state is read: the rooms, loaded if need be. */
  registry: RoomRegistry;
  /**
   * The uploaded files a document state refers to (files/fileRefs.ts), and the state's state
   * vector: decoded in the conversion workers, never on the event loop.
   */
  readRefs: (state: Uint8Array) => Promise<{ refs: string[]; stateVector: Uint8Array }>;
  logger: Logger;
  /** A file is deleted only once its latest upload is at least this old (FILE_GC_GRACE_MS). */
  graceMs: number;
  /** Every document with files is looked at this often (FILE_GC_EVERY_MS). */
  everyMs: number;
  /** The clock of upload times and of the grace period (tests inject one). */
  now: () => number;
  /** Told how many files a collection deleted (metrics). */
  onDeleted?: ((count: number) => void) | undefined;
}

/** Documents listed per step of a sweep. */
const SWEEP_PAGE = 100;

/**
 * Deletes a document's uploaded files that neither its current state nor any kept version refers
 * to (files/fileRefs.ts), once their latest upload is older than the grace period: an image is
 * uploaded first and put into the document only afterwards, and may be pasted back from an
 * undo long after it was deleted.
 *
 * When: after versions were thinned (a file only an old version showed may go), when a
 * document's last peer leaves after changing it (its room is still loaded), and every `everyMs`
 * for every document with files (uploads that never made it into the document). One document
 * at a time, in the background: decoding happens in the conversion workers, and the event loop
 * only lists keys and, at the very end, encodes what changed since the snapshot it decoded.
 *
 * Races. The room is pinned while its document is collected, and in the tick that deletes, the
 * references that arrived since the decoded snapshot are looked for once more, as are uploads
 * through this instance since the collection began (`uploaded`): a file put back into the
 * document, or uploaded again, meanwhile stays. With scale-out, the store keeps a shared copy
 * uploaded again through another instance since the cutoff (cluster/SharedFiles.ts), and
 * nothing is collected while the store does not see every instance's files (`seesAll`). Files stored before upload times were kept get one at their first
 * sighting here: they go one grace period later at the earliest.
 */
export class FileCollector {
  /** Documents waiting for a collection, and the promise of it. */
  private readonly waiting = new Map<string, Promise<void>>();
  private chain: Promise<void> = Promise.resolve();
  /** Uploads through this instance within the grace period: `name 00 sha256` → ms. */
  private readonly recent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: FileCollectorDeps) {}

  /** Starts the periodic sweep. */
  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.deps.everyMs);
    this.timer.unref();
  }

  /** A file is being stored for `name` now (called before the store write, in the same tick). */
  uploaded(name: string, sha256: string, at: number): void {
    this.recent.set(`${name}\u0000${sha256}`, at);
  }

  /** The document's last peer here left: if it changed while loaded, its files may have lost their last reference. */
  roomIdle(room: Room): void {
    if (room.lastChangeAt > 0) void this.request(room.name);
  }

  /** Versions of the document were thinned: files only they showed may go. */
  versionsThinned(name: string): void {
    void this.request(name);
  }

  /** Queues a collection of `name` (once, however often asked before it starts); resolves when it is done. */
  request(name: string): Promise<void> {
    const waiting = this.waiting.get(name);
    if (waiting) return waiting;
    const run = this.chain.then(async () => {
      this.waiting.delete(name);
      if (this.stopped) return;
      try {
        await this.collect(name);
      } catch (err) {
        this.deps.logger.warn({ doc: name, err }, 'collecting unreferenced files failed; tried again later');
      }
    });
    this.waiting.set(name, run);
    this.chain = run;
    return run;
  }

  /** Every document with files, one after another; resolves when done (one sweep at a time). */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      let after: string | undefined;
      while (!this.stopped) {
        const names = await this.deps.store.listDocumentsWithFiles({ after, limit: SWEEP_PAGE });
        for (const name of names) await this.request(name);
        if (names.length < SWEEP_PAGE) break;
        after = names[names.length - 1];
      }
      const cutoff = this.deps.now() - this.deps.graceMs;
      for (const [key, at] of this.recent) if (at <= cutoff) this.recent.delete(key);
    })()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'sweeping unreferenced files failed; tried again at the next sweep'))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  /**
   * Collects one document now (callers go through `request`, one at a time); resolves with the
   * SHA-256 of the files deleted.
   */
  private async collect(name: string): Promise<string[]> {
    const { store, registry, readRefs, versions, logger } = this.deps;
    if (!store.seesAll) return [];
    const now = this.deps.now();
    const cutoff = now - this.deps.graceMs;
    let candidates = (await this.filesOf(name, now)).filter((f) => f.uploadedAt <= cutoff && !this.isRecent(name, f.sha256, cutoff)).map((f) => f.sha256);
    if (candidates.length === 0) return [];

    let room: Room;
    try {
      room = await registry.acquire(name);
    } catch (err) {
      if (err instanceof CapacityError) return []; // full: the next sweep tries again
      throw err;
    }
    try {
      const current = await readRefs(room.wholeState());
      candidates = without(candidates, current.refs);
      if (candidates.length > 0) {
        await store.flush(); // a version being written is listed and read too
        const kept = await versions.listVersions(name);
        for (let i = kept.length - 1; i >= 0 && candidates.length > 0 && !this.stopped; i--) {
          const body = await versions.readVersion(name, kept[i]!.id);
          if (body) candidates = without(candidates, (await readRefs(body)).refs);
        }
      }
      if (candidates.length === 0 || this.stopped || registry.get(name) !== room) return [];
      // The last look, in the tick that deletes: what reached the document since the snapshot.
      const late = fileRefs(Y.encodeStateAsUpdate(room.doc, current.stateVector));
      const doomed = candidates.filter((sha) => !late.has(sha) && !this.isRecent(name, sha, cutoff));
      if (doomed.length === 0) return [];
      await store.deleteFiles(name, doomed, cutoff);
      logger.info({ doc: name, files: doomed.length }, 'unreferenced files deleted');
      this.deps.onDeleted?.(doomed.length);
      return doomed;
    } finally {
      registry.unpin(room);
    }
  }

  /** The document's files and their latest upload times. A file without a time gets `now` (stored, so that it keeps it). */
  private async filesOf(name: string, now: number): Promise<Array<{ sha256: string; uploadedAt: number }>> {
    const files = await this.deps.store.listFiles(name);
    const untimed = files.filter((f) => f.uploadedAt === undefined).map((f) => f.sha256);
    // Stored before upload times were kept: the grace period starts at this first sighting.
    if (untimed.length > 0) await this.deps.store.setFileTimes(name, untimed, now);
    return files.map(({ sha256, uploadedAt }) => ({ sha256, uploadedAt: uploadedAt ?? now }));
  }

  private isRecent(name: string, sha256: string, cutoff: number): boolean {
    return (this.recent.get(`${name}\u0000${sha256}`) ?? -Infinity) > cutoff;
  }

  /** Stops the sweep and waits for the collection under way; queued ones are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([this.chain, this.sweeping]);
  }
}

function without(candidates: readonly string[], refs: Iterable<string>): string[] {
  const seen = new Set(refs);
  return candidates.filter((sha) => !seen.has(sha));
}
