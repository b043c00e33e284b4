import { GENERAL_ACCESS, isGeneralAccess, isRole, ROLES, roleRank, type Role } from '../auth/roles.js';
import { ApiError } from '../errors.js';
import type { Person, PeopleRecord } from '../storage/kinds/people.js';

/**
 * The rules of a document's people (DESIGN.md, "People and roles"), pure: what a `PUT …/people`
 * body may be (400) and which changes a role may make (403; 409 `last_owner`).
 */

export const MAX_PEOPLE = 500;
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;
const SHAPE = '{ "people": [{ "email", "role" }], "general": "restricted" | "link-viewer" | "link-commenter" | "link-editor" }';

export const EMPTY_PEOPLE: PeopleRecord = Object.freeze({ people: [], general: 'restricted' }) as PeopleRecord;

/** A body as the contract shapes it, emails lower-cased; 400 `bad_request` for anything else. */
export function parsePeople(body: Record<string, unknown>): PeopleRecord {
  const { people, general } = body;
  if (!Array.isArray(people) || people.length > MAX_PEOPLE) throw new ApiError(400, `"people" must be a list of at most ${MAX_PEOPLE}: ${SHAPE}`);
  if (!isGeneralAccess(general)) throw new ApiError(400, `"general" must be one of ${GENERAL_ACCESS.join(', ')}`);
  const seen = new Set<string>();
  const parsed = people.map((p: unknown): Person => {
    if (p === null || typeof p !== 'object') throw new ApiError(400, `each person must be an object: ${SHAPE}`);
    const { email, role } = p as Record<string, unknown>;
    if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email.trim())) throw new ApiError(400, `not an email address: ${JSON.stringify(String(email).slice(0, 80))}`);
    if (!isRole(role)) throw new ApiError(400, `"role" must be one of ${ROLES.join(', ')}, got ${JSON.stringify(String(role).slice(0, 40))}`);
    const lower = email.trim().toLowerCase();
    if (seen.has(lower)) throw new ApiError(400, `${lower} is listed twice`);
    seen.add(lower);
    return { email: lower, role };
  });
  return { people: parsed, general };
}

const owners = (r: PeopleRecord): string[] => r.people.filter((p) => p.role === 'owner').map((p) => p.email).sort();

/**
 * Whether someone of role `actor` may turn `before` into `after`: editors add, change or remove
 * non-owners up to editor; owners, and general access, only an owner; a document keeps at least
 * one owner (409 `last_owner`).
 */
export function checkChange(actor: Role, before: PeopleRecord, after: PeopleRecord): void {
  if (roleRank(actor) < roleRank('editor')) throw new ApiError(403, 'only editors and owners may share this document');
  if (actor !== 'owner') {
    if (owners(before).join('\u0000') !== owners(after).join('\u0000')) throw new ApiError(403, 'only an owner may add, change or remove owners');
    if (before.general !== after.general) throw new ApiError(403, 'only an owner may change general access');
  }
  if (owners(before).length > 0 && owners(after).length === 0) throw new ApiError(409, 'a document keeps at least one owner: make someone else owner first', 'last_owner');
}

/** The record to store: `after`, keeping the names already known for its emails. */
export function withKnownNames(before: PeopleRecord, after: PeopleRecord): PeopleRecord {
  const names = new Map(before.people.filter((p) => p.name).map((p) => [p.email, p.name!]));
  return { general: after.general, people: after.people.map((p) => (names.has(p.email) ? { ...p, name: names.get(p.email)! } : p)) };
}

/** The role `email` holds in the record. */
export function roleIn(record: PeopleRecord, email: string | null): Role | undefined {
  return email === null ? undefined : record.people.find((p) => p.email === email)?.role;
}

export type { Role };
