import type { KV } from '../kv/KV.js';
import { mineKey, mineRange, nameOfMineKey, peopleKey } from '../keys.js';

/** The roles of a document's people (auth/roles.ts holds their rules). */
export const ROLES = ['viewer', 'commenter', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** A document's access for anyone signed in who has the link. */
export const GENERAL_ACCESS = ['restricted', 'link-viewer', 'link-commenter', 'link-editor'] as const;
export type GeneralAccess = (typeof GENERAL_ACCESS)[number];

/** One person of a document, by their verified email (lower case). */
export interface Person {
  email: string;
  /** The provider's name, once known (the person signed in and opened it). */
  name?: string;
  role: Role;
}

/** A document's people and general access (DESIGN.md, "People and roles"). */
export interface PeopleRecord {
  people: Person[];
  general: GeneralAccess;
}

/** A document in a person's list: through their role, or opened through general access. */
export interface MineEntry {
  role: Role;
  via: 'people' | 'link';
}

export interface PeopleStore {
  getPeople(name: string): Promise<PeopleRecord | undefined>;
  putPeople(name: string, record: PeopleRecord): Promise<void>;
  /** Stores `record` only when the document has none: true when this call stored it (its creator). */
  createPeople(name: string, record: PeopleRecord): Promise<boolean>;
  putMine(email: string, name: string, entry: MineEntry): Promise<void>;
  deleteMine(email: string, name: string): Promise<void>;
  /** Every document in the person's list, with its entry. */
  listMine(email: string): Promise<Array<{ name: string; entry: MineEntry }>>;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Kinds 'p' (under the document: deleted with it) and 'w' (per person, outside documents). */
export class PeopleRecords implements PeopleStore {
  /** Creations in flight on this instance, by name: a second opener waits and is not the creator. */
  private readonly creating = new Map<string, Promise<boolean>>();

  constructor(private readonly kv: KV) {}

  async getPeople(name: string): Promise<PeopleRecord | undefined> {
    const value = await this.kv.get(peopleKey(name));
    return value && (JSON.parse(value.toString('utf8')) as PeopleRecord);
  }

  putPeople(name: string, record: PeopleRecord): Promise<void> {
    return this.kv.write({ type: 'put', key: peopleKey(name), value: json(record) });
  }

  async createPeople(name: string, record: PeopleRecord): Promise<boolean> {
    const pending = this.creating.get(name);
    if (pending) {
      await pending.catch(() => undefined);
      return false;
    }
    const attempt = (async () => {
      if (await this.kv.get(peopleKey(name))) return false;
      await this.putPeople(name, record);
      return true;
    })();
    this.creating.set(name, attempt);
    try {
      return await attempt;
    } finally {
      this.creating.delete(name);
    }
  }

  putMine(email: string, name: string, entry: MineEntry): Promise<void> {
    return this.kv.write({ type: 'put', key: mineKey(email, name), value: json(entry) });
  }

  deleteMine(email: string, name: string): Promise<void> {
    return this.kv.write({ type: 'del', key: mineKey(email, name) });
  }

  async listMine(email: string): Promise<Array<{ name: string; entry: MineEntry }>> {
    return (await this.kv.entries(mineRange(email))).map(([key, value]) => ({ name: nameOfMineKey(key), entry: JSON.parse(value.toString('utf8')) as MineEntry }));
  }
}
