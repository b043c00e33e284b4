import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { UpdateOrigin } from '../rooms/origins.js';
import type { RoomWatcher } from '../rooms/ports.js';
import type { DocSummary } from '../storage/kinds/documents.js';
import type { SearchStore, SearchText } from '../storage/kinds/search.js';
import { searchTextOf, searchTextOfState } from './documentText.js';
import { IndexThread } from './IndexThread.js';
import type { Hit } from './SearchIndex.js';

/** What the indexer reads of an open document. */
export interface IndexedRoom {
  readonly name: string;
  readonly doc: Y.Doc;
  /** The stored document's size (its snapshot plus the updates appended since): the summary's `size`. */
  readonly storedBytes: number;
  onApplied(listener: (origins: readonly UpdateOrigin[]) => void): void;
}

export interface IndexerOptions {
  /** A document is indexed this long after its last change (edits never wait for it). */
  debounceMs: number;
  /** The index is stored after this many documents were indexed since it last was… */
  saveEvery: number;
  /** …or this long after the first of them, whichever comes first. */
  saveAfterMs: number;
  /**
   * An index thread lost again soon after it was refilled is refilled after this pause the second
   * time, doubling each time after (see `lost`). Default 1 s.
   */
  refillPauseMs?: number;
}

/** A thread lost this soon after it was refilled counts as lost again; the longest pause before refilling. */
const AGAIN_MS = 10 * 60_000;

export interface IndexerDeps {
  store: SearchStore;
  logger: Logger;
  options: IndexerOptions;
  now: () => number;
  /** The open document, if it is open here. */
  openRoom(name: string): IndexedRoom | undefined;
  /** A stored document's state (loading it here if need be); undefined when it does not exist. */
  readState(name: string): Promise<Uint8Array | undefined>;
  /** Every stored document, for a rebuild. */
  allNames(): AsyncIterable<string>;
  /** The document list's summary, written for changes made on this instance (its title fresh within seconds). */
  writeSummary(name: string, summary: DocSummary): Promise<void>;
  /** Tells the other instances a document changed (scale-out's change feed); absent alone. */
  announce?: ((name: string) => void) | undefined;
}

/**
 * Keeps the search index (DESIGN.md, "Contract — workspace") current: each document is queued
 * when it changes (a debounce per document, off the message path: edits never wait for
 * indexing), then its text is read from the open room, or from the store when another instance
 * announced the change, indexed, and stored with a pending mark; the serialized index is stored
 * every `saveEvery` documents or `saveAfterMs`, and at stop. At start it loads the stored index
 * and indexes the pending documents again; without a stored index it rebuilds from the documents.
 * The index itself lives in a thread of its own (IndexThread); should that thread end, a new one
 * is filled the same way (after a pause when it keeps ending, see `lost`).
 */
export class SearchIndexer {
  /** The index, in a thread of its own (started on first use). */
  private readonly index: IndexThread;
  /** Documents waiting for their debounce; `changedAt`: their last change (the summary's `updatedAt`). */
  private readonly queued = new Map<string, { timer: NodeJS.Timeout; local: boolean; changedAt: number }>();
  /** Deleted since they last changed: an indexing already under way writes nothing more of them. */
  private readonly forgotten = new Set<string>();
  /** Indexed (or dropped) since the stored index was written. */
  private unsaved = new Set<string>();
  private saveTimer: NodeJS.Timeout | undefined;
  /** Indexing and saving run one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private rebuilding: Promise<void> | undefined;
  /** Losses of the index's thread in a row, each soon after the refill before it (AGAIN_MS). */
  private losses = 0;
  private refilledAt = Number.NEGATIVE_INFINITY;
  private refillTimer: NodeJS.Timeout | undefined;
  /** Where the index came from at start: the stored one, or a rebuild from the documents. */
  startedFrom: 'stored' | 'rebuilt' = 'stored';

  constructor(private readonly deps: IndexerDeps) {
    this.index = new IndexThread(deps.logger, () => this.lost());
  }

  /** Loads the stored index and catches up with what changed after it was written; rebuilds without one. */
  async start(): Promise<void> {
    if (await this.restore()) return;
    this.startedFrom = 'rebuilt';
    this.rebuilding = this.rebuild().catch((err: unknown) => this.deps.logger.error({ err }, 'rebuilding the search index failed'));
  }

  /**
   * Fills the index from the stored one and indexes again the documents pending since it was
   * stored; false when there is no stored index or it does not load (the index is then empty).
   */
  private async restore(): Promise<boolean> {
    const stored = await this.deps.store.readIndex().catch((err: unknown) => {
      this.deps.logger.error({ err }, 'reading the stored search index failed: rebuilding it from the documents');
      return undefined;
    });
    if (!stored) return false;
    try {
      const documents = await this.index.load(stored);
      for (const name of await this.deps.store.pending()) {
        const text = await this.deps.store.readText(name);
        if (text) this.index.put(name, text);
        else this.index.remove(name);
        this.unsaved.add(name);
      }
      this.deps.logger.info({ documents, pending: this.unsaved.size }, 'search index loaded');
      return true;
    } catch (err) {
      this.deps.logger.warn({ err }, 'the stored search index does not load: rebuilding it from the documents');
      await this.index.clear().catch(() => undefined);
      return false;
    }
  }

  /**
   * The index's thread ended and a new, empty one took its place: filled as at start, after what
   * is under way. A thread lost again soon after (an index past its heap would be, each time it
   * is filled) is refilled after a pause that doubles each time, up to ten minutes, so that a
   * hopeless refill does not take the CPU over and over; searches find less meanwhile.
   */
  private lost(): void {
    if (this.stopped) return;
    this.losses = this.deps.now() - this.refilledAt < AGAIN_MS ? this.losses + 1 : 1;
    const wait = this.losses === 1 ? 0 : Math.min(AGAIN_MS, (this.deps.options.refillPauseMs ?? 1000) * 2 ** (this.losses - 2));
    if (wait > 0) this.deps.logger.warn({ losses: this.losses, waitMs: wait }, 'the search index thread keeps ending: refilling it after a pause');
    clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => this.refill(), wait);
    this.refillTimer.unref();
  }

  private refill(): void {
    this.refillTimer = undefined;
    if (this.stopped) return;
    this.refilledAt = this.deps.now();
    this.run(() => this.restore()).then(
      (restored) => {
        if (!restored && !this.stopped) this.rebuilding = this.rebuild().catch((err: unknown) => this.deps.logger.error({ err }, 'rebuilding the search index failed'));
      },
      () => undefined, // logged by `run`
    );
  }

  /** Resolves when a rebuild started at `start` has finished (tests and the benchmark wait for it). */
  rebuilt(): Promise<void> {
    return this.rebuilding ?? Promise.resolve();
  }

  private async rebuild(): Promise<void> {
    let count = 0;
    for await (const name of this.deps.allNames()) {
      if (this.stopped) return;
      await this.run(() => this.indexNow(name, undefined));
      count++;
    }
    await this.run(() => this.save());
    this.deps.logger.info({ documents: count }, 'search index rebuilt from the documents');
  }

  /** The watcher of a room that has just loaded: its changes are queued, those of its own peers as local. */
  readonly watch = (room: IndexedRoom): RoomWatcher => {
    room.onApplied((origins) => this.changed(room.name, origins.some((o) => o.kind !== 'cluster')));
    return {
      // Closing: what is queued is indexed now, from the room that is still here.
      close: async () => {
        const entry = this.queued.get(room.name);
        if (!entry || this.stopped) return;
        clearTimeout(entry.timer);
        this.queued.delete(room.name);
        await this.run(() => this.indexText(room.name, searchTextOf(room.doc), entry.local ? { size: room.storedBytes, changedAt: entry.changedAt } : undefined));
      },
      stop: () => undefined,
    };
  };

  /** A document changed (`local`: through this instance, which then writes its summary and tells the others). */
  changed(name: string, local: boolean): void {
    if (this.stopped) return;
    this.forgotten.delete(name);
    // Indexed a debounce after the *first* change of a burst, not the last: someone typing without
    // a pause would otherwise keep the document out of search for as long as they type (the
    // contract: current within 5 s), and the message path would reset a timer on every batch.
    const now = this.deps.now();
    const entry = this.queued.get(name);
    if (entry) {
      entry.local ||= local;
      entry.changedAt = now;
      return;
    }
    const timer = setTimeout(() => {
      const current = this.queued.get(name);
      if (current?.timer !== timer) return;
      this.queued.delete(name);
      void this.run(() => this.indexNow(name, current.local ? current.changedAt : undefined));
    }, this.deps.options.debounceMs);
    timer.unref();
    this.queued.set(name, { timer, local, changedAt: now });
  }

  /** The document was deleted: out of the index at once. */
  forget(name: string): void {
    const entry = this.queued.get(name);
    if (entry) clearTimeout(entry.timer);
    this.queued.delete(name);
    this.forgotten.add(name);
    this.index.remove(name); // at once: the next search must not find it…
    void this.run(async () => {
      this.index.remove(name); // …nor what an indexing in flight puts back
      await this.deps.store.dropText(name);
      this.noteUnsaved(name);
      // Whatever was under way has finished; a later indexing of the name reads the store (gone) anew.
      this.forgotten.delete(name);
    });
  }

  /** Ranked matches among the documents `mayRead` allows. */
  search(query: string, limit: number, mayRead: (name: string) => boolean): Promise<Hit[]> {
    return this.index.search(query, limit, mayRead);
  }

  /** What was indexed of a document (its snippet is cut from it). */
  indexedText(name: string): Promise<SearchText | undefined> {
    return this.deps.store.readText(name);
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch((err: unknown) => this.deps.logger.error({ err }, 'search indexing failed'));
    return next;
  }

  /** `localChangeAt`: the change was made here, then (its summary is written); undefined otherwise. */
  private async indexNow(name: string, localChangeAt: number | undefined): Promise<void> {
    const room = this.deps.openRoom(name);
    if (room) return this.indexText(name, searchTextOf(room.doc), localChangeAt === undefined ? undefined : { size: room.storedBytes, changedAt: localChangeAt });
    const state = await this.deps.readState(name);
    if (state === undefined) {
      this.index.remove(name);
      await this.deps.store.dropText(name);
      this.noteUnsaved(name);
      return;
    }
    await this.indexText(name, searchTextOfState(state), localChangeAt === undefined ? undefined : { size: state.byteLength, changedAt: localChangeAt });
  }

  /**
   * `local` given: the change was made here, so the summary is written (with the time of the
   * change, not of this indexing, which a busy instance may run later) and the others told.
   */
  private async indexText(name: string, text: SearchText, local: { size: number; changedAt: number } | undefined): Promise<void> {
    if (this.forgotten.has(name)) return;
    this.index.put(name, text);
    await this.deps.store.writeText(name, text);
    this.noteUnsaved(name);
    // Deleted meanwhile: no summary may bring it back into the list.
    if (local === undefined || this.forgotten.has(name)) return;
    await this.deps.writeSummary(name, { title: text.title, size: local.size, updatedAt: local.changedAt });
    this.deps.announce?.(name);
  }

  private noteUnsaved(name: string): void {
    this.unsaved.add(name);
    if (this.unsaved.size >= this.deps.options.saveEvery) {
      void this.run(() => this.save());
    } else if (!this.saveTimer && !this.stopped) {
      this.saveTimer = setTimeout(() => void this.run(() => this.save()), this.deps.options.saveAfterMs);
      this.saveTimer.unref();
    }
  }

  /** Stores the index; the documents it covers are pending no more. */
  private async save(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.unsaved.size === 0) return;
    const covered = this.unsaved;
    this.unsaved = new Set();
    try {
      // Serialized as the thread holds it now, with the set it covers: what is indexed from here on
      // (a later call to the thread) stays pending.
      await this.deps.store.writeIndex(await this.index.serialize(), covered);
    } catch (err) {
      for (const name of covered) this.unsaved.add(name); // still pending in the store: a later save clears them
      throw err;
    }
  }

  /**
   * Indexes what is still queued (of documents still open: rooms index what is queued as they
   * close), stores the index, and stops. The store must stay open until then.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.refillTimer);
    const queued = [...this.queued.entries()];
    this.queued.clear();
    for (const [name, { timer, local, changedAt }] of queued) {
      clearTimeout(timer);
      // Only documents still open here: reading one from the store would load it while stopping.
      const room = this.deps.openRoom(name);
      if (room) await this.run(() => this.indexText(name, searchTextOf(room.doc), local ? { size: room.storedBytes, changedAt } : undefined));
    }
    await this.rebuilding;
    await this.run(() => this.save());
    await this.index.stop();
  }
}
