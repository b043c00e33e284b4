import type { KV } from './kv/KV.js';
import { AuthorshipRecords, type AuthorshipStore } from './kinds/authorship.js';
import { Documents, type DocumentIndex } from './kinds/documents.js';
import { Files, type FileStore } from './kinds/files.js';
import { ClusterMarks, type ClusterMarkStore } from './kinds/marks.js';
import { ShareLinks, type ShareStore } from './kinds/shares.js';
import { PeopleRecords, type PeopleStore } from './kinds/people.js';
import { LoginTransactions, Sessions, type LoginStore, type SessionStore } from './kinds/sessions.js';
import { SearchTexts, type SearchStore } from './kinds/search.js';
import { UpdateLog, type UpdateStore } from './kinds/updates.js';
import { Versions, type VersionStore } from './kinds/versions.js';

/**
 * Every kind of stored data, each with its own small interface (storage/kinds/). Over one KV
 * (`storesOver`), or with scale-out the same kinds wrapped so that what every instance must
 * answer alike lives in Redis too (cluster/sharedStores.ts): the server chooses once, at start,
 * and the code above sees only these interfaces. A new kind is one module and one line here.
 */
export interface Stores {
  /** Where they are all kept (backup reads its snapshot). */
  readonly kv: KV;
  readonly updates: UpdateStore;
  readonly marks: ClusterMarkStore;
  readonly versions: VersionStore;
  readonly files: FileStore;
  readonly shares: ShareStore;
  readonly documents: DocumentIndex;
  /** Sign-in: sessions and login transactions. */
  readonly sessions: SessionStore;
  readonly logins: LoginStore;
  /** Sign-in: each document's people and general access, and each person's list. */
  readonly people: PeopleStore;
  /** Who wrote with each Yjs client id, and who deleted what (compare's attribution). */
  readonly authorship: AuthorshipStore;
  /** Search: each document's indexed text and this instance's serialized index (never shared). */
  readonly search: SearchStore;
}

export function storesOver(kv: KV): Stores {
  const updates = new UpdateLog(kv);
  return {
    kv,
    updates,
    marks: new ClusterMarks(kv),
    versions: new Versions(kv),
    files: new Files(kv),
    shares: new ShareLinks(kv),
    documents: new Documents(kv, (name) => updates.release(name)),
    sessions: new Sessions(kv),
    logins: new LoginTransactions(kv),
    people: new PeopleRecords(kv),
    authorship: new AuthorshipRecords(kv),
    search: new SearchTexts(kv),
  };
}
