import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import { varUintLength, writeVarUint } from '../protocol/varint.js';
import type { ClusterMarkStore } from '../storage/kinds/marks.js';
import { compareIds, logKey, snapKey } from './keys.js';
import { formatMark, parseMark, type ClusterMark } from './marks.js';
import type { Arg, RedisLink } from './RedisLink.js';

/** A stream entry as XRANGE/XREAD give it with binary replies: [id, [field, value, …]]. */
export type RawEntry = [Buffer | string, Array<Buffer | string>];

/**
 * The updates a stream entry carries, unless `skipInstance` wrote it. Fields: `i` the writing
 * instance, `u` one update, `p` several packed (each a varuint length, then its bytes): one
 * field per batch keeps Redis's and the client's per-field work off the per-update cost.
 */
export function entryUpdates(fields: Array<Buffer | string>, skipInstance?: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = String(fields[i]);
    if (field === 'i' && skipInstance !== undefined && String(fields[i + 1]) === skipInstance) return [];
    if (field === 'u') out.push(fields[i + 1] as Buffer);
    else if (field === 'p') {
      const decoder = decoding.createDecoder(fields[i + 1] as Buffer);
      while (decoding.hasContent(decoder)) out.push(decoding.readVarUint8Array(decoder));
    }
  }
  return out;
}

/** Packs updates for one `p` field (see entryUpdates). */
export function packUpdates(updates: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const u of updates) size += varUintLength(u.length) + u.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const u of updates) {
    at = writeVarUint(out, at, u.length);
    out.set(u, at);
    at += u.length;
  }
  return out;
}

/**
 * The document `updates` make together, as a fresh Y.Doc (the caller destroys it). Applying them
 * one after another is linear in their number; Y.mergeUpdates is not: it filters and re-sorts
 * all of its inputs for every run of structs it writes, and a stream holds one update per
 * keystroke. 16,000 one-character updates took it 3 s and 32,000 took 32 s, with the event loop
 * blocked all along: the instance answered nobody, not even SIGTERM (bench scenario F hung in a
 * fold). Deleted content is dropped (`gc`), as every room's own compaction drops it.
 */
export function docOfUpdates(name: string, updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc({ gc: true, guid: name });
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
  } catch (err) {
    doc.destroy();
    throw err;
  }
  return doc;
}

/**
 * An open document as the write side sees it: the mark it last recorded (or read at open) and
 * whether the durable mark says `dirty` because of local edits made since the document opened.
 */
interface OpenDoc {
  id: string;
  epoch: string;
  armed: boolean;
  /** Results of the groups holding its local edits that are not settled yet. */
  unsettled: Set<Promise<void>>;
}

/** The updates of one store batch bound for the log, and what the batch waits for. */
interface Group {
  pending: Map<string, Uint8Array[]>;
  flushScheduled: boolean;
  /** One per XADD sent: whether Redis acknowledged it (never rejects, so no failure goes unhandled while LevelDB writes). */
  acks: Array<Promise<boolean>>;
  names: Set<string>;
  result: Promise<void>;
}

/** What the log holds of a document: its updates (snapshot first) and the last stream id read. */
export interface RemoteState {
  updates: Uint8Array[];
  lastId: string;
}

/**
 * The write side of the shared log and the reading a document needs to open or reconcile.
 *
 * Write path: the updates of one group-committed store batch go to Redis as one XADD per
 * document (all their updates as fields of one entry), sent in one pipelined write while
 * LevelDB writes the batch; the batch is visible once both are done. Redis failing or taking
 * longer than REDIS_TIMEOUT_MS never fails the batch: the instance goes local-only and marks
 * the documents dirty (reconciled by state-vector diff when Redis is back).
 *
 * Crashes: because the two writes run in parallel, a SIGKILL can leave a batch in LevelDB whose
 * XADD never reached Redis. Nobody saw that edit, but its sender counts it as delivered, and on
 * reconnecting finds this instance holding it: no one would ever send it to Redis. So the first
 * local edit of a document after it opens puts the document's mark, flagged dirty, into that
 * same atomic batch ("arming" it); the flag is cleared when the document closes, or the instance
 * stops, with every local edit acknowledged. A crash leaves it set, and the next open reconciles
 * the document both ways, which sends Redis what it lacks. One extra small put per document per
 * opening, none per edit.
 */
export class SharedLog {
  private readonly groups = new WeakMap<Promise<void>, Group>();
  /** Documents with edits that may be missing from Redis. */
  readonly dirty = new Set<string>();
  private readonly open = new Map<string, OpenDoc>();

  constructor(
    private readonly link: RedisLink,
    private readonly store: ClusterMarkStore,
    private readonly instance: string,
    private readonly logger: Logger,
  ) {}

  replicate(name: string, written: Promise<void>, update: Uint8Array | undefined): Promise<void> {
    let group = this.groups.get(written);
    if (!group) {
      const g: Group = { pending: new Map(), flushScheduled: false, acks: [], names: new Set(), result: undefined as unknown as Promise<void> };
      g.result = written.then(() => this.settle(g));
      this.groups.set(written, (group = g));
    }
    if (update) {
      if (!group.names.has(name)) {
        group.names.add(name);
        this.track(name, group.result);
      }
      if (!this.link.up) this.markDirty(name);
      else {
        let list = group.pending.get(name);
        if (!list) group.pending.set(name, (list = []));
        list.push(update);
        if (!group.flushScheduled) {
          group.flushScheduled = true;
          const g = group;
          setImmediate(() => this.flush(g));
        }
      }
    }
    return group.result;
  }

  /** Sends what the group gathered so far: one XADD per document, written together. */
  private flush(group: Group): void {
    group.flushScheduled = false;
    for (const [name, updates] of group.pending) {
      const args: Arg[] = ['XADD', logKey(name), '*', 'i', this.instance, 'p', packUpdates(updates)];
      group.acks.push(this.link.command(args).then(
        () => true,
        () => {
          this.markDirty(name);
          return false;
        },
      ));
    }
    group.pending.clear();
  }

  /** The store batch is written: wait (bounded) for Redis's acknowledgement; never fail the batch. */
  private async settle(group: Group): Promise<void> {
    if (group.pending.size > 0) this.flush(group);
    if (group.acks.length === 0) return;
    let acked: boolean[];
    try {
      acked = await this.link.withTimeout(Promise.all(group.acks));
    } catch (err) {
      acked = [false];
      this.link.markDown(err);
    }
    if (acked.includes(false)) for (const name of group.names) this.markDirty(name);
  }

  /** The document opened with the log read up to `id` (writeMark keeps that up to date). */
  opened(name: string, id: string): void {
    this.open.set(name, { id, epoch: this.link.epoch, armed: false, unsettled: new Set() });
  }

  /**
   * A local edit of `name` is in the store batch that `result` settles: arm the document (see the
   * class comment) in that same batch, and count the edit unsettled until then.
   */
  private track(name: string, result: Promise<void>): void {
    let doc = this.open.get(name);
    // Opened while Redis was away: no mark known, so the armed mark forces a full reconcile.
    if (!doc) this.open.set(name, (doc = { id: '0-0', epoch: '', armed: false, unsettled: new Set() }));
    if (!doc.armed) {
      doc.armed = true;
      this.store.writeClusterMark(name, formatMark({ id: doc.id, epoch: doc.epoch, dirty: true })).catch((err: unknown) => {
        this.logger.error({ doc: name, err }, 'cannot record that a document has edits on their way to Redis');
      });
    }
    const unsettled = doc.unsettled;
    unsettled.add(result);
    void result.then(
      () => unsettled.delete(result),
      () => unsettled.delete(result),
    );
  }

  /**
   * The document closed: once its local edits are settled, clear the dirty flag its arming set
   * (unless Redis really lacks edits). Resolves when that mark is written (never rejects).
   * `erasing`: the document is being deleted, its mark with it; nothing to write.
   */
  async closed(name: string, erasing = false): Promise<void> {
    const doc = this.open.get(name);
    if (!doc) return;
    if (erasing) {
      this.open.delete(name);
      return;
    }
    while (doc.unsettled.size > 0) await Promise.allSettled([...doc.unsettled]);
    if (this.open.get(name) !== doc) return; // opened again meanwhile: that opening owns the mark
    this.open.delete(name);
    if (!doc.armed || this.dirty.has(name)) return;
    try {
      await this.store.writeClusterMark(name, formatMark({ id: doc.id, epoch: doc.epoch, dirty: false }));
    } catch (err) {
      // The mark stays dirty (the store may even be closed): the next opening reconciles, which is always safe.
      this.logger.warn({ doc: name, err: (err as Error).message }, 'cannot clear a closed document\'s dirty mark');
    }
  }

  /** The instance stops: every open document closes (their rooms are closed and idle by now). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((name) => this.closed(name)));
  }

  /** Edits of `name` may be missing from Redis: remember it here and in the document's mark. */
  markDirty(name: string): void {
    if (this.dirty.has(name)) return;
    this.dirty.add(name);
    void this.store.readClusterMark(name).then(
      (text) => this.store.writeClusterMark(name, formatMark({ ...(parseMark(text) ?? { id: '0-0', epoch: '' }), dirty: true })),
      (err: unknown) => this.logger.error({ doc: name, err }, 'cannot record that a document has edits Redis lacks'),
    );
  }

  /** The document's mark, as this instance last recorded it. */
  async mark(name: string): Promise<ClusterMark | undefined> {
    return parseMark(await this.store.readClusterMark(name));
  }

  /** Records that `name` holds the log up to `id`; an armed document's mark stays dirty. */
  writeMark(name: string, id: string, dirty = false): Promise<void> {
    const doc = this.open.get(name);
    if (doc) {
      doc.id = id;
      doc.epoch = this.link.epoch;
    }
    return this.store.writeClusterMark(name, formatMark({ id, epoch: this.link.epoch, dirty: dirty || doc?.armed === true }));
  }

  /**
   * What the log holds after stream id `after` ('0-0': everything): the folded snapshot when
   * the stream was trimmed past `after` (or always, from scratch), then the stream's entries.
   */
  async read(name: string, after: string): Promise<RemoteState> {
    const [snapId, entries] = await Promise.all([
      this.link.command<Buffer | null>(['HGET', snapKey(name), 'id'], true),
      this.link.command<RawEntry[] | null>(['XRANGE', logKey(name), after === '0-0' ? '-' : `(${after}`, '+'], true),
    ]);
    const updates: Uint8Array[] = [];
    let lastId = after;
    if (snapId && (after === '0-0' || compareIds(String(snapId), after) > 0)) {
      const snapshot = await this.link.command<Buffer | null>(['HGET', snapKey(name), 'update'], true);
      if (snapshot) updates.push(snapshot);
      lastId = String(snapId);
    }
    for (const [id, fields] of entries ?? []) {
      updates.push(...entryUpdates(fields));
      lastId = String(id);
    }
    return { updates, lastId };
  }

  /**
   * Both ways, by state-vector diff: what the log has is returned (for the caller to store and
   * apply); what `local` has and the log lacks is appended to it. Safe at any time; used when
   * the instance's mark cannot be trusted (dirty, another epoch, none) and when Redis returns.
   */
  async reconcile(name: string, local: Y.Doc): Promise<RemoteState> {
    const remote = await this.read(name, '0-0');
    const remoteDoc = remote.updates.length > 0 ? docOfUpdates(name, remote.updates) : undefined;
    try {
      const remoteVector = remoteDoc ? Y.encodeStateVector(remoteDoc) : new Uint8Array([0]);
      const missing = Y.encodeStateAsUpdate(local, remoteVector);
      if (!(missing.length === 2 && missing[0] === 0 && missing[1] === 0)) {
        await this.link.command(['XADD', logKey(name), '*', 'i', this.instance, 'u', Buffer.from(missing)]);
        this.logger.info({ doc: name, bytes: missing.length }, 'appended to Redis what it lacked of a document');
      }
      this.dirty.delete(name);
      // Only what this instance lacks goes into its store (not the whole document again).
      const lacking = remoteDoc ? Y.encodeStateAsUpdate(remoteDoc, Y.encodeStateVector(local)) : undefined;
      return { updates: lacking ? [lacking] : [], lastId: remote.lastId };
    } finally {
      remoteDoc?.destroy();
    }
  }
}
