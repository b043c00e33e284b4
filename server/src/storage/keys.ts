/**
 * LevelDB key layout (DESIGN.md, "Storage layout"). Names may contain `/`, so parts are joined
 * with 0x00, which a valid name never holds; sequence numbers are 8-byte big-endian so that
 * byte order is numeric order.
 *
 *   update:   'd' 00 <name> 00 'u' 00 <seq u64 BE>
 *   metadata: 'd' 00 <name> 00 'm'
 *   cluster:  'd' 00 <name> 00 'c'     what this instance holds of the document's shared Redis
 *                                     log (scale-out): last stream id, Redis epoch, unsent edits
 *   summary:  'd' 00 <name> 00 's'     JSON: title, size, updated-at (the document list)
 *   version:  'd' 00 <name> 00 'v' 00 <id u64 BE>   JSON: a version's name, time, authors
 *   body:     'd' 00 <name> 00 'b' 00 <id u64 BE>   that version's state, one Yjs update
 *   file:     'd' 00 <name> 00 'f' 00 <sha256, 32 bytes>   an uploaded image, content-addressed
 *   filetime: 'd' 00 <name> 00 't' 00 <sha256, 32 bytes>   when it was last uploaded (ms, u64 BE);
 *                                     files stored before times were kept have none
 *   link:     'd' 00 <name> 00 'l' 00 <share id, UTF-8>   JSON: a share link's record
 *   people:   'd' 00 <name> 00 'p'     JSON: the document's people and general access (sign-in)
 *   author:   'd' 00 <name> 00 'i' 00 <Yjs client id u64 BE>   JSON: who wrote with that client id
 *   deleter:  'd' 00 <name> 00 'i' 00 <client u64 BE> <clock u64 BE>   JSON: who deleted a run of
 *                                     that client's items from that clock on (length and who);
 *                                     both are compare's attribution (history/), told apart by length
 *   search:   'd' 00 <name> 00 'n'     JSON: the title and plain text last indexed for search
 *                                     (snippets are cut from it; it goes with the document)
 * Outside documents (sign-in), one byte for the kind, then 00:
 *   session:  'a' 00 <session id, UTF-8>   JSON: a signed-in session (who, until when)
 *   login:    'x' 00 <state, UTF-8>        JSON: a login transaction (nonce, PKCE verifier, next)
 *   mine:     'w' 00 <email> 00 <name>     JSON: a document a person may open (a role, or opened
 *                                     through general access), for their list
 * Outside documents (search), one byte for the kind, then 00:
 *   index:    'q' 00 'index'           the search index, serialized (MiniSearch JSON)
 *   pending:  'q' 00 'pending' 00 <name>   empty: the document was indexed (or dropped) after
 *                                     the stored index was written; read again at start
 * Compaction only ever touches kind 'u'. A version's metadata and body are apart so that the
 * history list reads no document states. Every key of a document starts with 'd' 00 <name> 00
 * (`docRange`), and 0x00 sorts first, so documents follow each other in name order.
 */
const D = 0x64; // 'd'
const U = 0x75; // 'u'
const M = 0x6d; // 'm'
const C = 0x63; // 'c'
const S = 0x73; // 's'
const V = 0x76; // 'v'
const B = 0x62; // 'b'

function docPrefix(name: string, extra: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const key = Buffer.allocUnsafe(2 + nameBytes.length + 1 + extra);
  key[0] = D;
  key[1] = 0;
  nameBytes.copy(key, 2);
  key[2 + nameBytes.length] = 0;
  return key;
}

export function updateKey(name: string, seq: number): Buffer {
  return updateKeyFrom(updateRange(name).gte, seq);
}

/** The update key of `seq`, from the document's key prefix (`updateRange(name).gte`). */
export function updateKeyFrom(prefix: Buffer, seq: number): Buffer {
  const key = Buffer.allocUnsafe(prefix.length + 8);
  prefix.copy(key, 0);
  key.writeUInt32BE(Math.floor(seq / 2 ** 32), prefix.length);
  key.writeUInt32BE(seq >>> 0, prefix.length + 4);
  return key;
}

/** A document's key of a one-byte kind with nothing after it: 'd' 00 <name> 00 <kind>. */
function kindKey(name: string, kind: number): Buffer {
  const key = docPrefix(name, 1);
  key[key.length - 1] = kind;
  return key;
}

export const metaKey = (name: string): Buffer => kindKey(name, M);

export const clusterKey = (name: string): Buffer => kindKey(name, C);

/** [gte, lt) covering every update key of `name` and nothing else. */
export function updateRange(name: string): { gte: Buffer; lt: Buffer } {
  const gte = docPrefix(name, 2);
  gte[gte.length - 2] = U;
  gte[gte.length - 1] = 0;
  const lt = Buffer.from(gte);
  lt[lt.length - 1] = 1;
  return { gte, lt };
}

export function seqOfUpdateKey(key: Buffer): number {
  return Number(key.readBigUInt64BE(key.length - 8));
}

export const summaryKey = (name: string): Buffer => kindKey(name, S);

function idRange(name: string, kind: number): { gte: Buffer; lt: Buffer } {
  const gte = docPrefix(name, 2);
  gte[gte.length - 2] = kind;
  gte[gte.length - 1] = 0;
  const lt = Buffer.from(gte);
  lt[lt.length - 1] = 1;
  return { gte, lt };
}

/** [gte, lt) of every version-metadata key of `name`. */
export function versionRange(name: string): { gte: Buffer; lt: Buffer } {
  return idRange(name, V);
}

export function versionKey(name: string, id: number): Buffer {
  return updateKeyFrom(idRange(name, V).gte, id);
}

export function versionBodyKey(name: string, id: number): Buffer {
  return updateKeyFrom(idRange(name, B).gte, id);
}

/** [gte, lt) of every key of `name`, whatever its kind. */
export function docRange(name: string): { gte: Buffer; lt: Buffer } {
  const gte = docPrefix(name, 0);
  const lt = Buffer.from(gte);
  lt[lt.length - 1] = 1;
  return { gte, lt };
}

/** The first key of any document after `name` (or of the first document, without one). */
export function docsAfter(name: string | undefined): Buffer {
  return name === undefined ? Buffer.from([D, 0]) : docRange(name).lt;
}

/** Every key of every document: [gte, lt). */
export const ALL_DOCS = { gte: Buffer.from([D, 0]), lt: Buffer.from([D, 1]) };

/** The document name of any document key. */
export function nameOfKey(key: Buffer): string {
  const end = key.indexOf(0, 2);
  return key.subarray(2, end < 0 ? key.length : end).toString('utf8');
}

/** The id (or sequence number) at the end of an update, version or body key. */
export const idOfKey = seqOfUpdateKey;

const F = 0x66; // 'f'
const T = 0x74; // 't'

function shaKey(name: string, kind: number, sha256Hex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw new RangeError('a file key needs a SHA-256 in lowercase hex');
  return Buffer.concat([idRange(name, kind).gte, Buffer.from(sha256Hex, 'hex')]);
}

/**
 * An uploaded file of a document, content-addressed: 'd' 00 <name> 00 'f' 00 <sha256, 32 bytes>.
 * Deleting the document deletes its files with it (they are under `docRange`).
 */
export function fileKey(name: string, sha256Hex: string): Buffer {
  return shaKey(name, F, sha256Hex);
}

/**
 * When a file was last uploaded: 'd' 00 <name> 00 't' 00 <sha256, 32 bytes>, the value ms since
 * the epoch as u64 BE. Apart from the bytes, so that listing a document's files reads no image.
 */
export function fileTimeKey(name: string, sha256Hex: string): Buffer {
  return shaKey(name, T, sha256Hex);
}

/** [gte, lt) of every file key of `name`. */
export function fileRange(name: string): { gte: Buffer; lt: Buffer } {
  return idRange(name, F);
}

/** [gte, lt) of every file-time key of `name`. */
export function fileTimeRange(name: string): { gte: Buffer; lt: Buffer } {
  return idRange(name, T);
}

/** The SHA-256 (lowercase hex) at the end of a file or file-time key. */
export function shaOfKey(key: Buffer): string {
  return key.subarray(key.length - 32).toString('hex');
}

const L = 0x6c; // 'l'

/** [gte, lt) of every share-link record of `name`. */
export function shareRange(name: string): { gte: Buffer; lt: Buffer } {
  return idRange(name, L);
}

export function shareKey(name: string, id: string): Buffer {
  return Buffer.concat([idRange(name, L).gte, Buffer.from(id, 'utf8')]);
}

const P = 0x70; // 'p'

/** A document's people and general access (one JSON record). */
export const peopleKey = (name: string): Buffer => kindKey(name, P);

/** A key outside documents: <kind> 00 <parts joined by 00>. */
function topKey(kind: number, ...parts: string[]): Buffer {
  return Buffer.concat([Buffer.from([kind, 0]), ...parts.flatMap((p, i) => (i === 0 ? [Buffer.from(p, 'utf8')] : [Buffer.from([0]), Buffer.from(p, 'utf8')]))]);
}

const SESSION = 0x61; // 'a'
const LOGIN = 0x78; // 'x'
const MINE = 0x77; // 'w'

export const sessionKey = (id: string): Buffer => topKey(SESSION, id);

export const loginKey = (state: string): Buffer => topKey(LOGIN, state);

/** One document in a person's list (by their verified email). */
export const mineKey = (email: string, name: string): Buffer => topKey(MINE, email, name);

/** [gte, lt) of every document in a person's list. */
export function mineRange(email: string): { gte: Buffer; lt: Buffer } {
  const gte = Buffer.concat([topKey(MINE, email), Buffer.from([0])]);
  const lt = Buffer.from(gte);
  lt[lt.length - 1] = 1;
  return { gte, lt };
}

/** The document name at the end of a `mineKey`. */
export function nameOfMineKey(key: Buffer): string {
  const end = key.indexOf(0, 2);
  return key.subarray(end + 1).toString('utf8');
}

const I = 0x69; // 'i'

/** Who wrote with a Yjs client id in the document (compare's attribution). */
export function authorKey(name: string, client: number): Buffer {
  return updateKeyFrom(idRange(name, I).gte, client);
}

/** Who deleted a run of `client`'s items starting at `clock` (compare's attribution). */
export function deleterKey(name: string, client: number, clock: number): Buffer {
  return updateKeyFrom(authorKey(name, client), clock);
}

/** [gte, lt) of every author and deleter key of `name`. */
export function authorshipRange(name: string): { gte: Buffer; lt: Buffer } {
  return idRange(name, I);
}

/** An author key's client id, or a deleter key's client id and clock (told apart by length). */
export function readAuthorshipKey(key: Buffer, prefixLength: number): { client: number; clock?: number } {
  const client = Number(key.readBigUInt64BE(prefixLength));
  return key.length >= prefixLength + 16 ? { client, clock: Number(key.readBigUInt64BE(prefixLength + 8)) } : { client };
}
const SEARCH_TEXT = 0x6e; // 'n'
const SEARCH = 0x71; // 'q'

/** What search last indexed of a document (title and plain text). */
export const searchTextKey = (name: string): Buffer => kindKey(name, SEARCH_TEXT);

/** The serialized search index of this instance. */
export const searchIndexKey = (): Buffer => topKey(SEARCH, 'index');

/** A document indexed since the stored index was written. */
export const searchPendingKey = (name: string): Buffer => topKey(SEARCH, 'pending', name);

/** [gte, lt) of every pending key. */
export function searchPendingRange(): { gte: Buffer; lt: Buffer } {
  const gte = Buffer.concat([topKey(SEARCH, 'pending'), Buffer.from([0])]);
  const lt = Buffer.from(gte);
  lt[lt.length - 1] = 1;
  return { gte, lt };
}

/** The document name at the end of a `searchPendingKey`. */
export const nameOfPendingKey = nameOfMineKey;
