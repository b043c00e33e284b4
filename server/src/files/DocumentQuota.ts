import { DocumentTooLargeError } from '../errors.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentIndex } from '../storage/kinds/documents.js';
import type { FileStore } from '../storage/kinds/files.js';
import type { VersionStore } from '../storage/kinds/versions.js';

export interface QuotaDeps {
  registry: RoomRegistry;
  files: FileStore;
  versions: VersionStore;
  documents: Pick<DocumentIndex, 'readSummary'>;
  /** MAX_DOCUMENT_BYTES. */
  maxBytes: number;
}

/**
 * MAX_DOCUMENT_BYTES counts a document's uploaded files and named versions too (DESIGN.md,
 * configuration): each distinct upload is kept a day even unreferenced, and every named version
 * is a full copy that is never thinned, so without them in the count the quota was no bound at
 * all. Sizes are read when something is added (an upload, a named version): files and versions
 * have no size index yet, so this reads their bytes; adding is rare, and what is read is bounded
 * by the quota itself.
 */
export class DocumentQuota {
  constructor(private readonly deps: QuotaDeps) {}

  /** Bytes the document holds: its stored state, its files, its named versions. */
  async used(name: string): Promise<number> {
    const { registry, files, versions, documents } = this.deps;
    const room = registry.get(name);
    let bytes = room ? room.storedBytes : ((await documents.readSummary(name))?.size ?? 0);
    for (const f of await files.listFiles(name)) bytes += (await files.readFile(name, f.sha256))?.byteLength ?? 0;
    for (const v of await versions.listVersions(name)) {
      if (v.name !== null) bytes += (await versions.readVersion(name, v.id))?.byteLength ?? 0;
    }
    return bytes;
  }

  /** Throws DocumentTooLargeError (413) when `adding` more bytes (`what`) would take the document past the quota. */
  async check(name: string, adding: number, what: string): Promise<void> {
    const used = await this.used(name);
    if (used + adding > this.deps.maxBytes) {
      throw new DocumentTooLargeError(`${what} would take the document past ${this.deps.maxBytes} bytes (MAX_DOCUMENT_BYTES, which counts its files and named versions too)`);
    }
  }

  /** Like `check`, for an upload: a file the document already holds adds nothing. */
  async checkUpload(name: string, sha256: string, size: number): Promise<void> {
    if (await this.deps.files.readFile(name, sha256)) return;
    await this.check(name, size, 'the image');
  }
}
