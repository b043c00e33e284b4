import type { Grant } from '../../auth/gate.js';
import type { Role } from '../../auth/roles.js';
import type { People } from '../../people/People.js';
import { parsePeople } from '../../people/rules.js';
import type { PeopleRecord } from '../../storage/kinds/people.js';
import { ApiError, readJson, sendJson, type ApiRequest } from './context.js';
import type { Route } from './router.js';

function peopleOf(r: ApiRequest): People {
  if (!r.deps.people) throw new ApiError(409, 'This server runs without sign-in: documents are shared with links, not with people.', 'no_sign_in');
  return r.deps.people;
}

/**
 * The role a caller acts with: a signed-in person's own; a token's by its mode (an operator's
 * token acts as an owner, so that documents stored before sign-in can be given one).
 */
function actorRole(grant: Grant): Role {
  if (grant.role) return grant.role;
  if (grant.share === undefined && grant.scope.doc === '*' && grant.scope.match !== 'exact' && grant.mode === 'write') return 'owner';
  return grant.mode === 'write' ? 'editor' : grant.mode === 'comment' ? 'commenter' : 'viewer';
}

const shape = (record: PeopleRecord) => ({ people: record.people.map((p) => ({ email: p.email, ...(p.name ? { name: p.name } : {}), role: p.role })), general: record.general });

async function list(r: ApiRequest): Promise<void> {
  sendJson(r.res, 200, shape(await peopleOf(r).get(r.name)));
}

async function replace(r: ApiRequest): Promise<void> {
  const people = peopleOf(r);
  const wanted = parsePeople(await readJson(r.req, 256 * 1024, '{ "people": [{ "email", "role" }], "general" }'));
  sendJson(r.res, 200, shape(await people.replace(r.name, actorRole(r.grant), wanted)));
}

/** A document's people and general access (DESIGN.md, "People and roles"). */
export const peopleRoutes: Route[] = [
  { method: 'GET', path: 'api/docs/:name/people', access: 'read', handle: list },
  // Editors and owners; which changes each may make is the rules' (people/rules.ts).
  { method: 'PUT', path: 'api/docs/:name/people', access: 'write', handle: replace },
];
