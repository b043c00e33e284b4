import * as Y from 'yjs';
import { TITLE } from '@tandem/schema';
import { CloseCode } from '../closeCodes.js';
import { RefusedChangeError } from '../errors.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocSummary, DocumentIndex } from '../storage/kinds/documents.js';
import type { VersionMeta, VersionStore } from '../storage/kinds/versions.js';
import { noAuthorship, type Authorship } from '../storage/kinds/authorship.js';
import type { CompareResult } from './compare.js';
import type { ConversionPool } from './ConversionPool.js';
import type { ExportFormat, ImportKind, ImportMode, SuggestionsView } from './formatTypes.js';
import type { VersionRecorders } from './VersionRecorders.js';
import { NamedVersionLimit } from './namedVersionLimit.js';
import type { DocumentQuota } from '../files/DocumentQuota.js';
import type { FileStore } from '../storage/kinds/files.js';
import type { DocxImport, DocxImportLimits } from './docx/import.js';

/** The document or version asked for does not exist: a 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export interface DocInfo extends DocSummary {
  name: string;
}

/**
 * What the HTTP API (and so the CLI) does with documents, over rooms, store and the conversion
 * pool. Reads and changes go through the document's room, loaded if need be, so that what is
 * exported is what peers see, and what is imported or restored reaches them live.
 */
export class DocumentService {
  private readonly namedLimit = new NamedVersionLimit();

  constructor(
    private readonly registry: RoomRegistry,
    /** `files`: where a .docx export reads the images it embeds. */
    private readonly stores: { versions: VersionStore; documents: DocumentIndex; files?: Pick<FileStore, 'readFile'> },
    private readonly pool: ConversionPool,
    /** Named versions count toward MAX_DOCUMENT_BYTES. */
    private readonly quota?: DocumentQuota | undefined,
    /** The version recorders of open documents (absent: version history is off). */
    private readonly recorders?: VersionRecorders | undefined,
    /** Who wrote and deleted what (compare's attribution; absent: every change is "Unknown"). */
    private readonly authorship?: { read(name: string): Promise<Authorship> } | undefined,
    /** Told when a document was deleted through this service (search drops it). */
    private readonly onDeleted?: ((name: string) => void) | undefined,
  ) {}

  /**
   * Whether anything is stored (or open) under `name`. Never loads the document: GETs for random
   * names would otherwise fill MAX_OPEN_DOCUMENTS for everyone.
   */
  async exists(name: string): Promise<boolean> {
    const room = this.registry.get(name);
    if (room && room.storedUpdates > 0) return true;
    return this.stores.documents.exists(name);
  }

  private async require(name: string): Promise<void> {
    if (!(await this.exists(name))) throw new NotFoundError(`no document ${JSON.stringify(name)}`);
  }

  /** Runs `fn` with the room of a document that exists (404 otherwise), kept loaded meanwhile. */
  async withExisting<T>(name: string, fn: (room: Room) => Promise<T>): Promise<T> {
    await this.require(name);
    return this.withRoom(name, fn);
  }

  /** Runs `fn` with the document's room loaded (and kept loaded meanwhile). */
  private async withRoom<T>(name: string, fn: (room: Room) => Promise<T>): Promise<T> {
    const room = await this.registry.acquire(name);
    try {
      return await fn(room);
    } finally {
      this.registry.unpin(room);
    }
  }

  async list(options: { prefix: string; after?: string | undefined; limit: number }): Promise<DocInfo[]> {
    const names = await this.stores.documents.listDocuments(options);
    return Promise.all(names.map((name) => this.info(name)));
  }

  /** Title, size and time: the stored summary, brought up to date by the open room. */
  async info(name: string): Promise<DocInfo> {
    const summary = (await this.stores.documents.readSummary(name)) ?? { title: '', size: 0, updatedAt: 0 };
    const room = this.registry.get(name);
    if (room && room.lastChangeAt > summary.updatedAt) summary.updatedAt = room.lastChangeAt;
    // Read off the root as it is: asking for the title by type would define it in the document.
    if (room?.doc.share.has(TITLE)) summary.title = room.doc.getText(TITLE).toString();
    return { name, ...summary };
  }

  /**
   * Replaces the document's title (the root Y.Text `title`) as one server change: stored,
   * replicated and sent to every peer like a peer's edit. The caller checked its length.
   */
  async setTitle(name: string, title: string): Promise<void> {
    await this.withExisting(name, async (room) => {
      const copy = new Y.Doc({ gc: true });
      try {
        Y.applyUpdate(copy, room.wholeState());
        const before = Y.encodeStateVector(copy);
        const text = copy.getText(TITLE);
        if (text.toString() === title) return;
        copy.transact(() => {
          text.delete(0, text.length);
          text.insert(0, title);
        });
        await room.applyChange(Y.encodeStateAsUpdate(copy, before));
      } finally {
        copy.destroy();
      }
    });
  }

  async meta(name: string): Promise<DocInfo & { peers: number; versions: number }> {
    await this.require(name);
    const [info, versions] = await Promise.all([this.info(name), this.versions(name)]);
    return { ...info, peers: this.registry.get(name)?.peers ?? 0, versions: versions.length };
  }

  /** The current state as one Yjs update. */
  async state(name: string): Promise<Uint8Array> {
    await this.require(name);
    return this.withRoom(name, async (room) => room.wholeState());
  }

  async export(name: string, format: ExportFormat, suggestions: SuggestionsView = 'accepted'): Promise<{ body: Uint8Array | string; title: string }> {
    const state = await this.state(name);
    const { title } = await this.info(name);
    // The file's <title> is the document's title: its name, until documents have titles of their
    // own (the first heading, `title` here, is content, and may be anything).
    return { body: await this.convert(name, state, format, suggestions), title };
  }

  /** A .docx always carries pending suggestions as tracked changes (DESIGN, review: suggestions). */
  private convert(name: string, state: Uint8Array, format: ExportFormat, suggestions: SuggestionsView): Promise<Uint8Array | string> {
    return format === 'docx' ? this.docx(name, state) : this.pool.run({ op: 'export', state, format, title: name, suggestions });
  }

  /** A .docx embeds the images: the worker names the files, they are read here, the worker writes the file. */
  private async docx(name: string, state: Uint8Array): Promise<Uint8Array> {
    const images = new Map<string, Uint8Array>();
    for (const sha256 of await this.pool.run({ op: 'docxImages', state, name })) {
      const bytes = await this.stores.files?.readFile(name, sha256);
      if (bytes) images.set(sha256, bytes);
    }
    return this.pool.run({ op: 'exportDocx', state, title: name, name, images });
  }

  /**
   * Imports a .docx as one new change: its images go through `keep` (stored as the document's
   * files) before the change that shows them is applied. Resolves to what did not come in as it
   * was (docx/import.ts); a file that cannot be read changes nothing.
   */
  async importDocx(name: string, body: Uint8Array, mode: ImportMode, limits: DocxImportLimits, keep: (files: DocxImport['files']) => Promise<void>): Promise<{ notes: string[] }> {
    return this.withRoom(name, async (room) => {
      const { update, files, notes } = await this.pool.run({ op: 'importDocx', state: room.wholeState(), body, mode, name, limits });
      await keep(files);
      await room.applyChange(update);
      return { notes };
    });
  }

  /**
   * Imports as one new change; resolves once connected peers have been sent it. A Yjs update
   * goes in as it is, so it passes `check` first (the review rules, for the importer).
   */
  async import(name: string, kind: ImportKind, body: Uint8Array, mode: ImportMode, check?: (doc: Y.Doc, update: Uint8Array) => string | undefined): Promise<void> {
    await this.withRoom(name, async (room) => {
      const update = await this.pool.run({ op: 'import', state: room.wholeState(), kind, body, mode });
      const refusal = kind === 'yjs' ? check?.(room.doc, update) : undefined;
      if (refusal !== undefined) throw new RefusedChangeError(`the update is refused: ${refusal}`);
      await room.applyChange(update);
    });
  }

  /** Versions, newest first. */
  async versions(name: string): Promise<VersionMeta[]> {
    const recorder = this.recorders?.get(name);
    const list = recorder ? await recorder.list() : await this.stores.versions.listVersions(name);
    return [...list].reverse();
  }

  async createVersion(name: string, label: string): Promise<VersionMeta> {
    await this.require(name);
    this.namedLimit.take(name);
    return this.withRoom(name, async (room) => {
      const recorder = this.recorders?.get(room.name);
      if (!recorder) throw new Error('version history is off');
      await this.quota?.check(name, room.wholeState().byteLength, 'a named version');
      const meta = await recorder.record(label);
      return meta!;
    });
  }

  private async versionBody(name: string, id: number): Promise<Uint8Array> {
    const body = await this.stores.versions.readVersion(name, id);
    if (!body) throw new NotFoundError(`document ${JSON.stringify(name)} has no version ${id}`);
    return body;
  }

  async exportVersion(name: string, id: number, format: ExportFormat, suggestions: SuggestionsView = 'accepted'): Promise<Uint8Array | string> {
    const state = await this.versionBody(name, id);
    return this.convert(name, state, format, suggestions);
  }

  /**
   * Two versions (or a version and the document now, `'now'`) as one document with what changed
   * between them marked and attributed; the older one first, whichever order they are asked in.
   */
  async compare(name: string, from: number, to: number | 'now'): Promise<CompareResult> {
    await this.require(name);
    const [a, b] = to !== 'now' && to < from ? [to, from] : [from, to];
    const older = await this.versionBody(name, a);
    const newer = b === 'now' ? await this.withRoom(name, async (room) => room.wholeState()) : await this.versionBody(name, b);
    const recorded = this.authorship ? await this.authorship.read(name) : noAuthorship();
    return this.pool.run({ op: 'compare', older, newer, authorship: { clients: [...recorded.clients], deletions: recorded.deletions } });
  }

  /**
   * Brings a version's content back as one new change; resolves once connected peers have been
   * sent it, with the id of a version holding the text as it was just before (recorded now
   * unless the newest version already holds it): restoring that one undoes the restore. Null
   * when version history is off.
   */
  async restore(name: string, id: number): Promise<{ before: number | null }> {
    await this.require(name);
    const version = await this.versionBody(name, id);
    return this.withRoom(name, async (room) => {
      let before: number | null = null;
      const recorder = this.recorders?.get(room.name);
      if (recorder) {
        const recorded = await recorder.record(null);
        before = recorded?.id ?? (await recorder.list()).at(-1)?.id ?? null;
      }
      const update = await this.pool.run({ op: 'restore', state: room.wholeState(), version });
      await room.applyChange(update);
      return { before };
    });
  }

  /** Deletes the document with its versions; its peers are closed with 4404. */
  async delete(name: string): Promise<void> {
    await this.require(name);
    await this.registry.remove(name, CloseCode.DocumentDeleted, 'document deleted', () => this.stores.documents.deleteDocument(name));
    this.onDeleted?.(name);
  }
}
