/**
 * Redis key layout of scale-out. Every key of a document carries the name in a hash tag
 * (`{name}`), so that Redis Cluster keeps a document's keys in one slot when it is used later.
 *
 *   tandem:{<name>}:log      Stream: every accepted update (fields: i = instance, u = update…)
 *   tandem:{<name>}:snap     Hash: the stream folded into one update (update, id it covers)
 *   tandem:{<name>}:lease    who folds now (value: fencing token; expires)
 *   tandem:{<name>}:fence    the highest fencing token handed out
 *   tandem:{<name>}:versions Hash: version id → metadata JSON (versions are shared, DESIGN "scale-out")
 *   tandem:{<name>}:vbody    Hash: version id → the version's state (one Yjs update)
 *   tandem:{<name>}:summary  JSON: title, size, updated-at (the document list)
 *   tandem:{<name>}:vlease   which instance records the document's automatic versions (expires)
 *   tandem:docs              Sorted set (all scores 0, so by name): every document with a summary
 *   channel tandem:deleted   a document was deleted: every instance closes its peers (4404)
 *   tandem:{<name>}:file:<sha256>   an uploaded file's bytes (content-addressed, never changes)
 *   tandem:{<name>}:files        Hash: sha256 → when the file was last uploaded (ms); files
 *                                uploaded before times were kept may be missing from it
 *   channel tandem:files-deleted the file collector deleted files of a document: every instance
 *                                drops its cached copies
 *   tandem:{<name>}:shares       Hash: share-link id → its record (JSON)
 *   tandem:{<name>}:people       a document's people and general access (JSON; created with SET NX)
 *   tandem:{<name>}:authors      Hash: `<client id>` → who wrote with it, `<client id>:<clock>` →
 *                                who deleted a run of its items (JSON, as storage kind 'i')
 *   tandem:mine:<email>      Hash: document name → the person's entry (role, via people or link)
 *   tandem:session:<id>      a signed-in session's record (JSON; expires with it)
 *   tandem:login:<state>     a login transaction (JSON; expires; taken once with GETDEL)
 *   tandem:epoch             random; set once per Redis data set: a new value = Redis lost its data
 *   tandem:instance:<id>     heartbeat of a running instance (expires)
 *   channel tandem:presence  awareness and heartbeats between instances (ephemeral)
 *   channel tandem:changed   a document changed on some instance: the others index it again (search)
 */
const PREFIX = 'tandem:{';

export const logKey = (name: string): string => `${PREFIX}${name}}:log`;
export const snapKey = (name: string): string => `${PREFIX}${name}}:snap`;
export const leaseKey = (name: string): string => `${PREFIX}${name}}:lease`;
export const fenceKey = (name: string): string => `${PREFIX}${name}}:fence`;
export const versionsKey = (name: string): string => `${PREFIX}${name}}:versions`;
export const versionBodiesKey = (name: string): string => `${PREFIX}${name}}:vbody`;
export const summaryKey = (name: string): string => `${PREFIX}${name}}:summary`;
export const versionLeaseKey = (name: string): string => `${PREFIX}${name}}:vlease`;
export const DOCS_KEY = 'tandem:docs';
export const DELETED_CHANNEL = 'tandem:deleted';
export const fileKey = (name: string, sha256: string): string => `${PREFIX}${name}}:file:${sha256}`;
export const fileTimesKey = (name: string): string => `${PREFIX}${name}}:files`;
export const FILES_DELETED_CHANNEL = 'tandem:files-deleted';
/** "Document changed" notices: other instances index the document again (cluster/ChangeFeed.ts). */
export const CHANGED_CHANNEL = 'tandem:changed';
export const sharesKey = (name: string): string => `${PREFIX}${name}}:shares`;
export const peopleKey = (name: string): string => `${PREFIX}${name}}:people`;
export const authorsKey = (name: string): string => `${PREFIX}${name}}:authors`;
export const mineKey = (email: string): string => `tandem:mine:${email}`;
export const sessionKey = (id: string): string => `tandem:session:${id}`;
export const loginKey = (state: string): string => `tandem:login:${state}`;
export const EPOCH_KEY = 'tandem:epoch';
export const heartbeatKey = (instance: string): string => `tandem:instance:${instance}`;
export const PRESENCE_CHANNEL = 'tandem:presence';

/** The document name of a `logKey`, or undefined for another key. */
export function nameOfLogKey(key: string): string | undefined {
  return key.startsWith(PREFIX) && key.endsWith('}:log') ? key.slice(PREFIX.length, -'}:log'.length) : undefined;
}

/** Compares two stream ids (`ms-seq`) numerically. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : (as ?? 0) - (bs ?? 0);
}
