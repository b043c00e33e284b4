import type { GeneralAccess, Role } from '../storage/kinds/people.js';
import { modeCovers, type Mode } from './access.js';

/**
 * People and roles (DESIGN.md, "People and roles"): `owner` ⊃ `editor` (write) ⊃ `commenter`
 * (comment) ⊃ `viewer` (read), and a document's general access for anyone signed in who has the
 * link. Pure rules; the people record lives in storage/kinds/people.ts.
 */
export { GENERAL_ACCESS, ROLES, type GeneralAccess, type Role } from '../storage/kinds/people.js';

const RANK: Record<Role, number> = { viewer: 0, commenter: 1, editor: 2, owner: 3 };
const MODE: Record<Role, Mode> = { viewer: 'read', commenter: 'comment', editor: 'write', owner: 'write' };
const LINK_ROLE: Record<GeneralAccess, Role | undefined> = { restricted: undefined, 'link-viewer': 'viewer', 'link-commenter': 'commenter', 'link-editor': 'editor' };

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && Object.hasOwn(RANK, x);
}

export function isGeneralAccess(x: unknown): x is GeneralAccess {
  return typeof x === 'string' && Object.hasOwn(LINK_ROLE, x);
}

/** What a role may do over the WebSocket and the API. */
export function modeOfRole(role: Role): Mode {
  return MODE[role];
}

export function roleRank(role: Role): number {
  return RANK[role];
}

/** Whether `role` is enough for a route that needs `need` (`owner`: only an owner). */
export function roleCovers(role: Role, need: Mode | 'owner'): boolean {
  return need === 'owner' ? role === 'owner' : modeCovers(MODE[role], need);
}

/** The role anyone signed in gets from general access (none for `restricted`). */
export function roleOfGeneral(general: GeneralAccess): Role | undefined {
  return LINK_ROLE[general];
}

/** The higher of two roles, either possibly absent. */
export function higherRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}
