import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryKV } from '../storage/kv/MemoryKV.js';
import { Sessions } from '../storage/kinds/sessions.js';
import { signSessionId, verifySessionId } from './cookie.js';
import { safeNext, userOf } from './OidcLogin.js';
import { SessionService } from './SessionService.js';

const user = { id: 'oidc:a', name: 'A', email: null };

async function service(ttlMs: number, now: () => number) {
  const kv = new MemoryKV();
  await kv.open();
  return { kv, sessions: new SessionService(new Sessions(kv), ttlMs, now) };
}

test('a session lives SESSION_TTL_MS, then is gone (and its record removed)', async () => {
  let clock = 1_000_000;
  const { kv, sessions } = await service(60_000, () => clock);
  const s = await sessions.start(user);
  assert.equal(s.expiresAt, 1_060_000);
  assert.match(s.id, /^[A-Za-z0-9_-]{32}$/);
  assert.deepEqual(await sessions.get(s.id), s);
  clock += 59_999;
  assert.ok(await sessions.get(s.id));
  clock += 1;
  assert.equal(await sessions.get(s.id), undefined);
  assert.equal((await kv.keys({ gte: Buffer.from([0x61, 0]), lt: Buffer.from([0x61, 1]) })).length, 0);
});

test('every start is a new random id; end removes it and tells the listeners', async () => {
  const { sessions } = await service(60_000, Date.now);
  const a = await sessions.start(user);
  const b = await sessions.start(user);
  assert.notEqual(a.id, b.id);
  const ended: string[] = [];
  sessions.onEnded((id) => ended.push(id));
  await sessions.end(a.id);
  assert.deepEqual(ended, [a.id]);
  assert.equal(await sessions.get(a.id), undefined);
  assert.ok(await sessions.get(b.id), 'other sessions of the same person stay');
});

test('the cookie value is the id signed with AUTH_SECRET; anything else is no session', () => {
  const secret = 'cookie-secret-0123456789';
  const id = 'abcdefghijklmnopqrstuvwxyz012345';
  const value = signSessionId(secret, id);
  assert.equal(verifySessionId(secret, value), id);
  assert.equal(verifySessionId('another-secret-0123456789', value), undefined);
  assert.equal(verifySessionId(secret, id), undefined);
  assert.equal(verifySessionId(secret, `${id}x.${value.split('.')[1]}`), undefined);
  assert.equal(verifySessionId(secret, `short.${value.split('.')[1]}`), undefined);
  assert.equal(verifySessionId(secret, ''), undefined);
});

test('next: only a path with one leading slash, else /', () => {
  for (const bad of [null, undefined, '', 'd/x', '//evil.example', '/\\evil.example', 'https://evil.example', '/\t/evil', '/\n/evil', 'javascript:alert(1)']) assert.equal(safeNext(bad), '/', String(bad));
  for (const good of ['/', '/d/x', '/d/a%2Fb?token=1#h']) assert.equal(safeNext(good), good);
});

test('a person: oidc:<sub>, the provider\'s name, the email only when verified, lower-cased', () => {
  assert.deepEqual(userOf({ sub: 's', name: 'N', email: 'A@B.c', email_verified: true }), { id: 'oidc:s', name: 'N', email: 'a@b.c' });
  assert.deepEqual(userOf({ sub: 's', name: 'N', email: 'a@b.c', email_verified: 'true' }), { id: 'oidc:s', name: 'N', email: null });
  assert.deepEqual(userOf({ sub: 's', email: 'a@b.c' }), { id: 'oidc:s', name: 's', email: null });
  assert.deepEqual(userOf({ sub: 's', preferred_username: 'pu' }), { id: 'oidc:s', name: 'pu', email: null });
});
