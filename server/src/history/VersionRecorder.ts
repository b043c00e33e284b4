import type { Logger } from '../logger.js';
import type { RoomWatcher } from '../rooms/ports.js';
import type { DocumentIndex } from '../storage/kinds/documents.js';
import type { VersionAuthor, VersionMeta, VersionStore } from '../storage/kinds/versions.js';
import type { ConversionPool } from './ConversionPool.js';
import { digest as digestHere } from './digest.js';
import { versionsToThin, type RetentionRule } from './retention.js';

/**
 * A state this large has its digest made in the conversion pool's thread; a smaller one on the
 * event loop, where it costs less than the trip: 0.1–0.2 ms a KB (decoded, read as JSON, hashed),
 * so at most ~6 ms, against starting the thread (its modules load first; ~5 MB): the first version
 * of a server whose documents are all small started it, and every stop with an edited document
 * open waited for it (half a second under the tests' tsx).
 */
export const DIGEST_IN_THREAD_BYTES = 32 << 10;

export interface VersionOptions {
  /** A version is recorded once editing pauses this long… */
  idleMs: number;
  /** …and at least this often while it goes on. */
  everyMs: number;
  rules: readonly RetentionRule[];
  /** The clock of `createdAt` and of retention (tests inject one). */
  now: () => number;
}

export interface VersionDeps {
  versions: VersionStore;
  /** The document list's summary is written with each version. */
  documents: Pick<DocumentIndex, 'writeSummary' | 'readSummary'>;
  pool: ConversionPool;
  logger: Logger;
  options: VersionOptions;
  /**
   * Whether this instance records the document's automatic versions (scale-out: only one
   * instance does); absent means yes.
   */
  mayRecord?: ((name: string) => Promise<boolean>) | undefined;
  /** The document closed here: another instance may record its versions from now on. */
  release?: ((name: string) => Promise<void>) | undefined;
  /** Versions of the document were thinned away (files only they showed may be deleted). */
  onThinned?: ((name: string) => void) | undefined;
}

/**
 * Records the versions of one open document: after a pause in editing, at least every
 * `everyMs` while it goes on, on demand (named), and when the document closes with changes
 * not yet in a version. Timers only: nothing here runs on the message path, and the content
 * hash (to skip a version identical to the previous one) of a document past
 * DIGEST_IN_THREAD_BYTES is computed in the conversion worker.
 */
export class VersionRecorder implements RoomWatcher {
  private readonly authors = new Map<string, VersionAuthor>();
  private dirty = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private everyTimer: NodeJS.Timeout | undefined;
  /** Records run one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private known: VersionMeta[] | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly deps: VersionDeps,
    /** The document's state now, as one update (read synchronously when a version is made). */
    private readonly state: () => Uint8Array,
    /**
     * When the document last changed while open here (ms since the epoch; 0: not since it
     * loaded): the room's own record of it (Room.lastChangeAt), the summary's `updatedAt`.
     */
    private readonly lastChangeAt: () => number,
    /** The stored document's size: the summary's `size` (DocSummary). */
    private readonly storedBytes: () => number,
  ) {}

  /** The document changed (`author` when known). Cheap: a map entry and a timer reset. */
  changed(author: VersionAuthor | undefined): void {
    if (this.stopped) return;
    this.dirty = true;
    if (author) {
      const key = author.name + (author.verified ? '\u0001' : '');
      if (!this.authors.has(key)) this.authors.set(key, author);
    }
    const { idleMs, everyMs } = this.deps.options;
    // The pause restarts: the same timer re-armed (a fresh one per keystroke cost a timer object and two list operations).
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(this.fire, idleMs);
      this.idleTimer.unref();
    }
    if (!this.everyTimer) {
      this.everyTimer = setTimeout(this.fire, everyMs);
      this.everyTimer.unref();
    }
  }

  private readonly fire = (): void => {
    void this.recordAuto().catch((err: unknown) => this.deps.logger.error({ doc: this.name, err }, 'recording a version failed'));
  };

  private async recordAuto(): Promise<void> {
    this.clearTimers();
    if (!this.dirty) return;
    if (this.deps.mayRecord && !(await this.deps.mayRecord(this.name))) {
      this.dirty = false; // another instance records this document's versions
      this.authors.clear();
      return;
    }
    await this.record(null);
  }

  /**
   * The versions, oldest first. Cached after the first read on a single instance; with
   * scale-out other instances add versions too, so the shared list is read each time.
   */
  async list(): Promise<VersionMeta[]> {
    if (this.deps.mayRecord) return this.deps.versions.listVersions(this.name);
    this.known ??= await this.deps.versions.listVersions(this.name);
    return this.known;
  }

  /** Forget the cache (another instance stored a version). */
  invalidate(): void {
    this.known = undefined;
  }

  /**
   * Records a version now: `label` names it. An automatic version identical to the previous
   * one is not stored (undefined); a named one identical to the previous one names that one.
   */
  record(label: string | null): Promise<VersionMeta | undefined> {
    const state = this.state();
    const authors = [...this.authors.values()];
    const changedAt = this.lastChangeAt() || undefined;
    this.authors.clear();
    this.dirty = false;
    const run = this.chain.then(() => this.store(state, authors, label, changedAt));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * `changedAt`: when the document last changed before `state` was read. The summary keeps that
   * time, not the time of this version: a version named later, or one whose digest waited for a
   * busy worker, does not make the document newer in the list (`?order=updated`).
   */
  private async store(state: Uint8Array, authors: VersionAuthor[], label: string | null, changedAt: number | undefined): Promise<VersionMeta | undefined> {
    const { versions: store, documents, pool, options } = this.deps;
    const size = this.storedBytes();
    const digest = state.length < DIGEST_IN_THREAD_BYTES ? digestHere(state) : await pool.run({ op: 'digest', state });
    const versions = await this.list();
    const last = versions[versions.length - 1];
    const now = options.now();
    const updatedAt = changedAt ?? (await documents.readSummary(this.name))?.updatedAt ?? now;
    await documents.writeSummary(this.name, { title: digest.title, size, updatedAt });
    if (last && last.hash === digest.hash) {
      if (label === null) return undefined;
      const named: VersionMeta = { ...last, name: label, authors: mergeAuthors(last.authors, authors) };
      const body = await store.readVersion(this.name, last.id);
      if (body) {
        await store.putVersion(this.name, named, body);
        versions[versions.length - 1] = named;
        return named;
      }
    }
    const meta: VersionMeta = { id: Math.max(now, (last?.id ?? 0) + 1), name: label, createdAt: now, authors, hash: digest.hash };
    await store.putVersion(this.name, meta, state);
    versions.push(meta);
    const drop = versionsToThin(versions, options.rules, now);
    if (drop.length > 0) {
      await store.deleteVersions(this.name, drop);
      const gone = new Set(drop);
      this.known = versions.filter((v) => !gone.has(v.id));
      this.deps.onThinned?.(this.name);
    }
    this.deps.logger.debug({ doc: this.name, version: meta.id, named: label !== null, thinned: drop.length }, 'version recorded');
    return meta;
  }

  /** The document is closing: a last version of unrecorded changes, then no more timers. */
  async close(): Promise<void> {
    this.clearTimers();
    if (this.dirty && !this.stopped) {
      try {
        await this.recordAuto();
      } catch (err) {
        this.deps.logger.error({ doc: this.name, err }, 'recording the closing version failed');
      }
    }
    this.stopped = true;
    await this.chain;
    await this.deps.release?.(this.name).catch((err: unknown) => this.deps.logger.warn({ doc: this.name, err }, 'releasing the version lease failed; it expires by itself'));
  }

  /** Stops without recording (the document is being deleted). */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.everyTimer);
    this.idleTimer = this.everyTimer = undefined;
  }
}

function mergeAuthors(a: VersionAuthor[], b: VersionAuthor[]): VersionAuthor[] {
  const out = [...a];
  for (const x of b) if (!out.some((y) => y.name === x.name && y.verified === x.verified)) out.push(x);
  return out;
}
