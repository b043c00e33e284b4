import type { KV, KVOp } from '../kv/KV.js';
import { authorKey, authorshipRange, deleterKey, readAuthorshipKey } from '../keys.js';
import { StorageError } from '../../errors.js';

/**
 * Who a change is attributed to (DESIGN.md, "Identity"): the identity's id (a token's `sub`, or
 * `oidc:<sub>` signed in) with its verified name, or no id and the name the person typed.
 */
export interface Attributed {
  id: string | null;
  name: string;
}

/** A run of one Yjs client's items, [clock, clock + length), deleted by `by`. */
export interface DeletedRun {
  client: number;
  clock: number;
  length: number;
  by: Attributed;
}

/** What the server recorded of a document's writers, as compare reads it. */
export interface Authorship {
  /** Yjs client id → who wrote with it (its first accepted sender with that id). */
  clients: Map<number, Attributed>;
  /** Who deleted what, by the ids of the deleted items. */
  deletions: DeletedRun[];
}

/** A batch to record: new client ids and new deleted runs. */
export interface AuthorshipBatch {
  clients: ReadonlyArray<readonly [number, Attributed]>;
  deletions: readonly DeletedRun[];
}

/** A document's writers (history/AuthorshipRecorders.ts records them, compare reads them). */
export interface AuthorshipStore {
  /** Stores a batch in the next group-committed batch; a client id or run already stored is replaced. */
  recordAuthorship(name: string, batch: AuthorshipBatch): Promise<void>;
  /** Everything recorded of the document. */
  readAuthorship(name: string): Promise<Authorship>;
}

/** One author or deleter record's value: JSON { id, name } (with `n`, the run's length, for a deleter). */
export function encodeAttributed(who: Attributed, length?: number): Buffer {
  return Buffer.from(JSON.stringify(length === undefined ? { id: who.id, name: who.name } : { id: who.id, name: who.name, n: length }), 'utf8');
}

export function decodeAttributed(raw: Uint8Array): Attributed & { n?: number } {
  try {
    const v = JSON.parse(Buffer.from(raw).toString('utf8')) as { id?: unknown; name?: unknown; n?: unknown };
    return { id: typeof v.id === 'string' ? v.id : null, name: typeof v.name === 'string' ? v.name : 'Unknown', ...(typeof v.n === 'number' ? { n: v.n } : {}) };
  } catch (err) {
    throw new StorageError('an authorship record is unreadable', 'STORE_CORRUPT', { cause: err });
  }
}

/** The empty record of a document nobody was recorded writing. */
export const noAuthorship = (): Authorship => ({ clients: new Map(), deletions: [] });

/**
 * Kind 'i': one key per client id (who wrote with it), one per deleted run (who deleted it),
 * under the document, so that deleting the document deletes them.
 */
export class AuthorshipRecords implements AuthorshipStore {
  constructor(private readonly kv: KV) {}

  recordAuthorship(name: string, batch: AuthorshipBatch): Promise<void> {
    const ops: KVOp[] = [
      ...batch.clients.map(([client, who]): KVOp => ({ type: 'put', key: authorKey(name, client), value: encodeAttributed(who) })),
      ...batch.deletions.map((d): KVOp => ({ type: 'put', key: deleterKey(name, d.client, d.clock), value: encodeAttributed(d.by, d.length) })),
    ];
    return ops.length === 0 ? Promise.resolve() : this.kv.writeAll(ops);
  }

  async readAuthorship(name: string): Promise<Authorship> {
    const range = authorshipRange(name);
    const out = noAuthorship();
    for (const [key, value] of await this.kv.entries(range)) {
      const { client, clock } = readAuthorshipKey(key, range.gte.length);
      const { n, ...who } = decodeAttributed(value);
      if (clock === undefined) out.clients.set(client, who);
      else out.deletions.push({ client, clock, length: n ?? 1, by: who });
    }
    return out;
  }
}
