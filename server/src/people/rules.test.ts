import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../http/refusals.js';
import type { PeopleRecord } from '../storage/kinds/people.js';
import { roleCovers, higherRole, modeOfRole, roleOfGeneral } from '../auth/roles.js';
import { checkChange, parsePeople, withKnownNames } from './rules.js';

const rec = (general: PeopleRecord['general'], ...people: Array<[string, PeopleRecord['people'][number]['role']]>): PeopleRecord => ({ general, people: people.map(([email, role]) => ({ email, role })) });
const refused = (fn: () => unknown, status: number, error?: string) =>
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.status === status && (error === undefined || e.error === error));

test('roles: owner ⊃ editor ⊃ commenter ⊃ viewer, each a mode; only an owner is an owner', () => {
  assert.deepEqual((['owner', 'editor', 'commenter', 'viewer'] as const).map(modeOfRole), ['write', 'write', 'comment', 'read']);
  assert.ok(roleCovers('owner', 'owner') && !roleCovers('editor', 'owner'));
  assert.ok(roleCovers('editor', 'write') && !roleCovers('commenter', 'write') && roleCovers('commenter', 'comment') && roleCovers('viewer', 'read') && !roleCovers('viewer', 'comment'));
  assert.deepEqual([roleOfGeneral('restricted'), roleOfGeneral('link-viewer'), roleOfGeneral('link-commenter'), roleOfGeneral('link-editor')], [undefined, 'viewer', 'commenter', 'editor']);
  assert.equal(higherRole('viewer', 'editor'), 'editor');
  assert.equal(higherRole(undefined, 'viewer'), 'viewer');
  assert.equal(higherRole('owner', undefined), 'owner');
});

test('a people body: emails lower-cased; a bad email, role, general or shape is 400', () => {
  assert.deepEqual(parsePeople({ people: [{ email: ' Ann@Example.COM ', role: 'editor', name: 'ignored' }], general: 'link-viewer' }), rec('link-viewer', ['ann@example.com', 'editor']));
  for (const body of [
    {},
    { people: [], general: 'public' },
    { people: 'x', general: 'restricted' },
    { people: [{ email: 'not-an-email', role: 'viewer' }], general: 'restricted' },
    { people: [{ email: 'a@b', role: 'viewer' }], general: 'restricted' },
    { people: [{ email: 'a b@c.d', role: 'viewer' }], general: 'restricted' },
    { people: [{ email: 'a@b.c', role: 'admin' }], general: 'restricted' },
    { people: [{ email: 'a@b.c' }], general: 'restricted' },
    { people: [null], general: 'restricted' },
    { people: [{ email: 'a@b.c', role: 'viewer' }, { email: 'A@b.c', role: 'editor' }], general: 'restricted' },
  ]) refused(() => parsePeople(body as Record<string, unknown>), 400, 'bad_request');
});

test('editors add, change and remove non-owners up to editor; owners and general access are for owners', () => {
  const before = rec('restricted', ['o@x.y', 'owner'], ['e@x.y', 'editor'], ['v@x.y', 'viewer']);
  checkChange('editor', before, rec('restricted', ['o@x.y', 'owner'], ['e@x.y', 'editor'], ['v@x.y', 'editor'], ['n@x.y', 'commenter']));
  checkChange('editor', before, rec('restricted', ['o@x.y', 'owner'], ['e@x.y', 'editor']));
  refused(() => checkChange('editor', before, rec('restricted', ['o@x.y', 'owner'], ['e@x.y', 'editor'], ['v@x.y', 'owner'])), 403);
  refused(() => checkChange('editor', before, rec('restricted', ['e@x.y', 'editor'], ['v@x.y', 'viewer'])), 403);
  refused(() => checkChange('editor', before, rec('restricted', ['o@x.y', 'editor'], ['e@x.y', 'editor'])), 403);
  refused(() => checkChange('editor', before, { ...before, general: 'link-viewer' }), 403);
  refused(() => checkChange('commenter', before, before), 403);
  refused(() => checkChange('viewer', before, before), 403);
  checkChange('owner', before, rec('link-editor', ['o@x.y', 'owner'], ['e@x.y', 'owner']));
  checkChange('owner', before, rec('restricted', ['e@x.y', 'owner']));
});

test('the last owner cannot be removed or demoted (409 last_owner), even by an owner', () => {
  const before = rec('restricted', ['o@x.y', 'owner'], ['e@x.y', 'editor']);
  refused(() => checkChange('owner', before, rec('restricted', ['e@x.y', 'editor'])), 409, 'last_owner');
  refused(() => checkChange('owner', before, rec('restricted', ['o@x.y', 'editor'], ['e@x.y', 'editor'])), 409, 'last_owner');
  refused(() => checkChange('owner', before, rec('restricted')), 409, 'last_owner');
});

test('names the provider gave are kept by email; the body cannot set them', () => {
  const before: PeopleRecord = { general: 'restricted', people: [{ email: 'o@x.y', name: 'Olga', role: 'owner' }] };
  assert.deepEqual(withKnownNames(before, rec('restricted', ['o@x.y', 'owner'], ['n@x.y', 'viewer'])).people, [{ email: 'o@x.y', name: 'Olga', role: 'owner' }, { email: 'n@x.y', role: 'viewer' }]);
});
