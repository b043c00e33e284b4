import { higherRole, roleOfGeneral, type Role } from '../auth/roles.js';
import type { DocumentIndex } from '../storage/kinds/documents.js';
import type { MineEntry, PeopleRecord, PeopleStore } from '../storage/kinds/people.js';
import type { SessionUser } from '../storage/kinds/sessions.js';
import { checkChange, EMPTY_PEOPLE, roleIn, withKnownNames } from './rules.js';

/**
 * Each document's people and general access, as the gate and the people API use them (DESIGN.md,
 * "People and roles"). With REDIS_URL the store is the shared one. `onChanged` is told of every
 * change through this instance (the sessions open on the document are decided again at once).
 */
export class People {
  constructor(
    private readonly store: PeopleStore,
    private readonly documents: DocumentIndex,
    private readonly onChanged: (name: string) => void,
  ) {}

  async get(name: string): Promise<PeopleRecord> {
    return (await this.store.getPeople(name)) ?? EMPTY_PEOPLE;
  }

  /**
   * The role of a signed-in person in `name`: theirs (by verified email) or general access's,
   * whichever is higher. When `opens` and nothing is stored under the name, they create it and
   * are its owner (decided once across instances); when they get in through general access, the
   * document goes into their list.
   */
  async roleOf(user: SessionUser, name: string, opens: boolean): Promise<Role | undefined> {
    let record = await this.store.getPeople(name);
    if (!record) {
      // Stored before sign-in (or through a token): nobody signed in has a role until an owner is set.
      if (!opens || user.email === null || (await this.documents.exists(name))) return undefined;
      const mine: PeopleRecord = { people: [{ email: user.email, name: user.name, role: 'owner' }], general: 'restricted' };
      if (await this.store.createPeople(name, mine)) {
        await this.store.putMine(user.email, name, { role: 'owner', via: 'people' });
        return 'owner';
      }
      record = await this.get(name);
    }
    const own = roleIn(record, user.email);
    const general = roleOfGeneral(record.general);
    if (own === undefined && general !== undefined && opens && user.email !== null) await this.remember(user.email, name, { role: general, via: 'link' });
    return higherRole(own, general);
  }

  /** Emails whose link visits are already in their list (a visit writes once per instance). */
  private readonly remembered = new Set<string>();

  private async remember(email: string, name: string, entry: MineEntry): Promise<void> {
    const key = `${email}\u0000${name}\u0000${entry.role}`;
    if (this.remembered.has(key)) return;
    await this.store.putMine(email, name, entry);
    this.remembered.add(key);
  }

  /** Replaces the people of `name` as someone of role `actor` may (rules.ts); the stored record. */
  async replace(name: string, actor: Role, wanted: PeopleRecord): Promise<PeopleRecord> {
    const before = await this.get(name);
    checkChange(actor, before, wanted);
    const after = withKnownNames(before, wanted);
    await this.store.putPeople(name, after);
    const kept = new Set(after.people.map((p) => p.email));
    await Promise.all([
      ...after.people.map((p) => this.store.putMine(p.email, name, { role: p.role, via: 'people' })),
      ...before.people.filter((p) => !kept.has(p.email)).map((p) => this.store.deleteMine(p.email, name)),
    ]);
    if (before.people.some((p) => !kept.has(p.email))) this.remembered.clear(); // a removed person's next link visit is listed again
    this.onChanged(name);
    return after;
  }

  /** The documents in a person's list that still exist, with their role in each. */
  async listFor(email: string): Promise<Array<{ name: string; role: Role; via: MineEntry['via'] }>> {
    const entries = await this.store.listMine(email);
    const alive = await Promise.all(entries.map(async (e) => ((await this.documents.exists(e.name)) || (await this.store.getPeople(e.name)) !== undefined ? e : undefined)));
    return alive.filter((e) => e !== undefined).map((e) => ({ name: e!.name, role: e!.entry.role, via: e!.entry.via }));
  }
}
