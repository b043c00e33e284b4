// The authorization matrix (DESIGN.md, "One gate"), generated from the route table itself: every
// row of `apiRoutes` × every kind of credential must get exactly the expected 2xx, 401 or 403,
// and a row without an entry here fails. Root cause it guards: tokens used to be read and checked
// in four places, and the REST API never looked at share records, so a revoked link kept full
// access — DELETE included — for as long as its ten-year token lived.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { modeCovers, type Mode } from '../../src/auth/access.js';
import type { Need } from '../../src/auth/gate.js';
import { mintToken } from '../../src/auth/tokens.js';
import { apiRoutes } from '../../src/http/api/index.js';
import { cleanup, upgradeStatus, type TestServer } from '../helpers.js';
import { startSignInServer, type SignInServer } from '../signin/support/server.js';
import { signIn } from '../signin/support/session.js';

const SECRET = 'matrix-test-secret-0123456789abcdef';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 64 }, (_, i) => i)]);

/** One document's fixtures: what the rows' paths and the share credentials refer to. */
interface Fixture {
  name: string;
  versionId: string;
  sha256: string;
  /** A link the `DELETE …/shares/:id` row revokes. */
  shareId: string;
  readShare: string;
  revokedShare: string;
  expiredShare: string;
  /** A well-signed link token for this document whose id no record ever had. */
  unknownShare: string;
  /** A comment thread and its first comment, written by the identity the granted tokens share. */
  threadId: string;
  commentId: string;
}

type Cred =
  | 'none' | 'expired' | 'badSignature' | 'garbage' | 'unknownMode' | 'unknownShare'
  | 'otherDocument' | 'otherPrefix' | 'revokedShare' | 'expiredShare' | 'readShare'
  | 'read' | 'comment' | 'write' | 'operator';

/** Refused ones first: a row's state changes only on the allowed calls, which come last. */
const CREDS: Cred[] = ['none', 'expired', 'badSignature', 'garbage', 'unknownMode', 'unknownShare', 'otherDocument', 'otherPrefix', 'revokedShare', 'expiredShare', 'readShare', 'read', 'comment', 'write', 'operator'];

const INVALID = new Set<Cred>(['none', 'expired', 'badSignature', 'garbage', 'unknownMode', 'unknownShare', 'revokedShare', 'expiredShare']);
const MODE_OF: Partial<Record<Cred, Mode>> = { readShare: 'read', read: 'read', comment: 'comment', write: 'write', operator: 'write' };

/** What a credential must get on a route that needs `need`: 2xx (as 200), 401 or 403. */
function expected(need: Need, cred: Cred): 200 | 401 | 403 {
  if (need === 'public') return 200;
  if (INVALID.has(cred)) return 401;
  if (need === 'any') return 200;
  if (need === 'operator') return cred === 'operator' ? 200 : 403;
  const mode = MODE_OF[cred];
  if (mode === undefined) return 403; // another document, a prefix that does not match
  return modeCovers(mode, need === 'owner' ? 'write' : need) ? 200 : 403;
}

/**
 * Signed-in people (a session cookie), each a role in every fixture document (`stranger`: none),
 * calling from the server's own Origin or from another site's.
 */
const ROLES = ['stranger', 'viewer', 'commenter', 'editor', 'owner'] as const;
type SessionRole = (typeof ROLES)[number];
const LOGIN: Record<SessionRole, string> = { stranger: 'mallory', viewer: 'dave', commenter: 'carol', editor: 'bob', owner: 'alice' };
const SESSION_MODE: Record<Exclude<SessionRole, 'stranger'>, Mode> = { viewer: 'read', commenter: 'comment', editor: 'write', owner: 'write' };
const PEOPLE = [
  { email: 'alice@example.com', role: 'owner' },
  { email: 'bob@example.com', role: 'editor' },
  { email: 'carol@example.com', role: 'commenter' },
  { email: 'dave@example.com', role: 'viewer' },
];

/** What a session of `role` must get on a route that needs `need`, from its own Origin or another site's. */
function expectedForSession(need: Need, method: string, role: SessionRole, foreign: boolean): 200 | 401 | 403 {
  if (foreign) {
    // The cookie does not count from another site: a GET is nobody's, anything else refused.
    if (method !== 'GET') return 403;
    return need === 'public' ? 200 : 401;
  }
  if (need === 'public' || need === 'any') return 200;
  if (need === 'operator' || role === 'stranger') return 403;
  if (need === 'owner') return role === 'owner' ? 200 : 403;
  return modeCovers(SESSION_MODE[role], need) ? 200 : 403;
}

/** How to call each row: its path for a fixture, and a body that a permitted call accepts. */
const CALLS: Record<string, (f: Fixture) => { path: string; body?: BodyInit; type?: string }> = {
  'GET api/access/:name': (f) => ({ path: `/api/access/${enc(f.name)}` }),
  'GET api/me': () => ({ path: '/api/me' }),
  'GET api/docs': () => ({ path: '/api/docs' }),
  'GET api/docs/:name': (f) => ({ path: `/api/docs/${enc(f.name)}` }),
  'DELETE api/docs/:name': (f) => ({ path: `/api/docs/${enc(f.name)}` }),
  'PATCH api/docs/:name': (f) => ({ path: `/api/docs/${enc(f.name)}`, body: JSON.stringify({ title: 'Retitled' }), type: 'application/json' }),
  'GET api/search': () => ({ path: '/api/search?q=seed' }),
  'GET api/docs/:name/export': (f) => ({ path: `/api/docs/${enc(f.name)}/export?format=md` }),
  'PUT api/docs/:name/import': (f) => ({ path: `/api/docs/${enc(f.name)}/import`, body: '# Imported\n', type: 'text/markdown' }),
  'GET api/docs/:name/versions': (f) => ({ path: `/api/docs/${enc(f.name)}/versions` }),
  'POST api/docs/:name/versions': (f) => ({ path: `/api/docs/${enc(f.name)}/versions`, body: JSON.stringify({ name: 'Named' }), type: 'application/json' }),
  'GET api/docs/:name/versions/:id/export': (f) => ({ path: `/api/docs/${enc(f.name)}/versions/${f.versionId}/export?format=md` }),
  'POST api/docs/:name/versions/:id/restore': (f) => ({ path: `/api/docs/${enc(f.name)}/versions/${f.versionId}/restore` }),
  'GET api/docs/:name/compare': (f) => ({ path: `/api/docs/${enc(f.name)}/compare?from=${f.versionId}&to=now` }),
  'POST api/docs/:name/files': (f) => ({ path: `/api/docs/${enc(f.name)}/files`, body: PNG, type: 'image/png' }),
  'GET files/:name/:sha256': (f) => ({ path: `/files/${enc(f.name)}/${f.sha256}` }),
  'GET api/docs/:name/shares': (f) => ({ path: `/api/docs/${enc(f.name)}/shares` }),
  'POST api/docs/:name/shares': (f) => ({ path: `/api/docs/${enc(f.name)}/shares`, body: JSON.stringify({ mode: 'read' }), type: 'application/json' }),
  'DELETE api/docs/:name/shares/:id': (f) => ({ path: `/api/docs/${enc(f.name)}/shares/${f.shareId}` }),
  'GET api/docs/:name/people': (f) => ({ path: `/api/docs/${enc(f.name)}/people` }),
  // Keeps every owner and the general access, so that an editor may make it too.
  'PUT api/docs/:name/people': (f) => ({ path: `/api/docs/${enc(f.name)}/people`, body: JSON.stringify({ people: [...PEOPLE, { email: 'new@example.com', role: 'viewer' }], general: 'restricted' }), type: 'application/json' }),
  'GET api/docs/:name/comments': (f) => ({ path: `/api/docs/${enc(f.name)}/comments` }),
  'POST api/docs/:name/comments': (f) => ({ path: `/api/docs/${enc(f.name)}/comments`, body: JSON.stringify({ quote: 'Text', body: 'A comment' }), type: 'application/json' }),
  'POST api/docs/:name/comments/:thread/replies': (f) => ({ path: `/api/docs/${enc(f.name)}/comments/${f.threadId}/replies`, body: JSON.stringify({ body: 'A reply' }), type: 'application/json' }),
  'POST api/docs/:name/comments/:thread/resolve': (f) => ({ path: `/api/docs/${enc(f.name)}/comments/${f.threadId}/resolve` }),
  'POST api/docs/:name/comments/:thread/reopen': (f) => ({ path: `/api/docs/${enc(f.name)}/comments/${f.threadId}/reopen` }),
  'PATCH api/docs/:name/comments/:thread/:comment': (f) => ({ path: `/api/docs/${enc(f.name)}/comments/${f.threadId}/${f.commentId}`, body: JSON.stringify({ body: 'Edited' }), type: 'application/json' }),
  'DELETE api/docs/:name/comments/:thread/:comment': (f) => ({ path: `/api/docs/${enc(f.name)}/comments/${f.threadId}/${f.commentId}` }),
  'DELETE api/docs/:name/comments/:thread': (f) => ({ path: `/api/docs/${enc(f.name)}/comments/${f.threadId}` }),
  'GET api/backup': () => ({ path: '/api/backup' }),
};

/** The identity of the granted tokens: the seeded comments are theirs to edit. */
const ME = { sub: 'matrix', name: 'Matrix' };

const enc = encodeURIComponent;

describe('authorization matrix: every route × every credential', () => {
  let ts: TestServer;
  let running: SignInServer;
  const cookies = {} as Record<SessionRole, string>;
  let base: string;
  let operator: string;
  const tokens = {} as Record<Exclude<Cred, 'none' | 'revokedShare' | 'expiredShare' | 'readShare' | 'unknownShare'>, string>;

  const call = async (method: string, path: string, token: string | undefined, body?: BodyInit, type?: string): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (type) headers['content-type'] = type;
    return fetch(`${base}${path}`, { method, headers, body });
  };
  const ok = async (res: Response, what: string): Promise<Record<string, unknown>> => {
    const text = await res.text();
    assert.ok(res.ok, `${what}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  /** A document with content, a version, an image and share links (live, revoked, expired). */
  /** `commentAs`: the headers of the session whose own the seeded comment is (else the tokens' identity). */
  const seed = async (name: string, commentAs?: Record<string, string>): Promise<Fixture> => {
    const d = `/api/docs/${enc(name)}`;
    await ok(await call('PUT', `${d}/import`, operator, '# Seed\n\nText.\n', 'text/markdown'), 'seed import');
    const version = await ok(await call('POST', `${d}/versions`, operator, JSON.stringify({ name: 'Seed' }), 'application/json'), 'seed version');
    const file = await ok(await call('POST', `${d}/files`, operator, PNG, 'image/png'), 'seed file');
    const share = async (body: unknown) => ok(await call('POST', `${d}/shares`, operator, JSON.stringify(body), 'application/json'), 'seed share');
    const readShare = await share({ mode: 'read' });
    const victim = await share({ mode: 'read' });
    const revoked = await share({ mode: 'write' });
    await ok(await call('DELETE', `${d}/shares/${revoked.id as string}`, operator), 'seed revoke');
    await ok(await call('PUT', `${d}/people`, operator, JSON.stringify({ people: PEOPLE, general: 'restricted' }), 'application/json'), 'seed people');
    const expiring = await share({ mode: 'write', expiresInSeconds: 1 });
    // A token for the expiring link that outlives its record: only the record's expiry refuses it.
    const expiredShare = await mintToken(SECRET, { doc: name, mode: 'write', share: expiring.id as string, match: 'exact' }, 3600);
    const seedComment = JSON.stringify({ quote: 'Text', body: 'Seed comment' });
    const thread = await ok(
      commentAs ? await fetch(`${base}${d}/comments`, { method: 'POST', headers: { ...commentAs, 'content-type': 'application/json' }, body: seedComment }) : await call('POST', `${d}/comments`, operator, seedComment, 'application/json'),
      'seed comment',
    );
    const threads = (await ok(await call('GET', `${d}/comments`, operator), 'seed comments')).threads as Array<{ id: string; comments: Array<{ id: string }> }>;
    return {
      threadId: thread.id as string,
      commentId: threads.find((t) => t.id === thread.id)!.comments[0]!.id,
      name,
      versionId: version.id as string,
      sha256: file.sha256 as string,
      shareId: victim.id as string,
      readShare: readShare.token as string,
      revokedShare: revoked.token as string,
      expiredShare,
      unknownShare: await mintToken(SECRET, { doc: name, mode: 'write', share: 'never-existed', match: 'exact' }, 3600),
    };
  };

  const tokenFor = (cred: Cred, f: Fixture): string | undefined => {
    switch (cred) {
      case 'none':
        return undefined;
      case 'readShare':
      case 'revokedShare':
      case 'expiredShare':
      case 'unknownShare':
        return f[cred];
      default:
        return tokens[cred];
    }
  };

  const fixtures = new Map<string, Fixture>();

  before(async () => {
    // With sign-in, so that the session rows exist too; tokens decide as they do without it.
    running = await startSignInServer(SECRET);
    ({ ts, base } = running);
    for (const role of ROLES) cookies[role] = (await signIn(base, LOGIN[role])).cookie;
    operator = await mintToken(SECRET, { doc: '*', mode: 'write', ...ME }, 3600);
    Object.assign(tokens, {
      expired: await mintToken(SECRET, { doc: 'm/*', mode: 'write' }, -60),
      badSignature: await mintToken('another-secret-0123456789abcdef-xyz', { doc: 'm/*', mode: 'write' }, 3600),
      garbage: 'not.a.token',
      unknownMode: await new SignJWT({ doc: 'm/*', mode: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET)),
      otherDocument: await mintToken(SECRET, { doc: 'elsewhere', mode: 'write' }, 3600),
      otherPrefix: await mintToken(SECRET, { doc: 'x/*', mode: 'write' }, 3600),
      read: await mintToken(SECRET, { doc: 'm/*', mode: 'read' }, 3600),
      comment: await mintToken(SECRET, { doc: 'm/*', mode: 'comment', ...ME }, 3600),
      write: await mintToken(SECRET, { doc: 'm/*', mode: 'write', ...ME }, 3600),
      operator,
    });
    // All at once: a seed mostly waits (storage, the conversion workers), so on a busy machine
    // one after another was most of this file's budget.
    await Promise.all(apiRoutes.map(async (route, i) => fixtures.set(`${route.method} ${route.path}`, await seed(`m/${i}`))));
    await new Promise((r) => setTimeout(r, 1100)); // the expiring links' records expire
  });
  after(async () => {
    await running.stop();
    cleanup(ts.dataDir);
  });

  test('every row of the route table has an entry in this matrix', () => {
    const missing = apiRoutes.map((r) => `${r.method} ${r.path}`).filter((key) => !(key in CALLS));
    assert.deepEqual(missing, [], 'add these routes to CALLS in this test');
    assert.equal(Object.keys(CALLS).length, apiRoutes.length, 'CALLS names a route that is not in the table');
  });

  for (const route of apiRoutes) {
    const key = `${route.method} ${route.path}`;
    test(`${key} (${route.access})`, async () => {
      const make = CALLS[key];
      assert.ok(make, `no matrix entry for ${key}`);
      let fixture = fixtures.get(key)!;
      for (const cred of CREDS) {
        const want = expected(route.access, cred);
        // An allowed call that changes the document runs on fresh fixtures.
        if (want === 200 && route.method !== 'GET') fixture = { ...(await seed(fixture.name)), readShare: fixture.readShare };
        const { path, body, type } = make(fixture);
        const res = await call(route.method, path, tokenFor(cred, fixture), body, type);
        const text = await res.text();
        if (want === 200) assert.ok(res.status >= 200 && res.status < 300, `${key} with ${cred}: want 2xx, got ${res.status} ${text}`);
        else {
          assert.equal(res.status, want, `${key} with ${cred}: want ${want}, got ${res.status} ${text}`);
          const refusal = JSON.parse(text) as { error: string; reason: string };
          assert.equal(refusal.error, want === 401 ? 'unauthorized' : 'forbidden', `${key} with ${cred}`);
          assert.ok(refusal.reason.length > 0);
        }
      }
      // Sessions: refused ones first (another site's Origin, then the lower roles).
      for (const foreign of [true, false]) {
        for (const role of ROLES) {
          const want = expectedForSession(route.access, route.method, role, foreign);
          // A fresh document each time: named versions of one document are rate-limited.
          const headers: Record<string, string> = { cookie: cookies[role], origin: foreign ? 'https://evil.example' : base };
          // A comment is changed by its author: the seeded one is this person's own.
          const ownComment = route.path.endsWith(':thread/:comment');
          if (want === 200 && route.method !== 'GET') fixture = await seed(`${fixtures.get(key)!.name}/${role}`, ownComment ? { cookie: cookies[role], origin: base } : undefined);
          const { path, body, type }: ReturnType<NonNullable<typeof make>> = make(fixture);
          if (type) headers['content-type'] = type;
          const res: Response = await fetch(`${base}${path}`, { method: route.method, headers, body });
          const what = `${key} as ${role}${foreign ? ' from another site' : ''}`;
          const text = await res.text();
          if (want === 200) assert.ok(res.status >= 200 && res.status < 300, `${what}: want 2xx, got ${res.status} ${text}`);
          else assert.equal(res.status, want, `${what}: want ${want}, got ${res.status} ${text}`);
        }
      }
    });
  }

  test('the WebSocket upgrade: the same decisions as a route that needs read', async () => {
    const f = await seed('m/ws');
    await new Promise((r) => setTimeout(r, 1100)); // its expiring link's record expires
    for (const cred of CREDS) {
      const token = tokenFor(cred, f);
      const status = await upgradeStatus(ts.url, `/${enc(f.name)}`, token ? { authorization: `Bearer ${token}` } : {});
      const want = expected('read', cred);
      assert.equal(status, want === 200 ? 101 : want, `upgrade with ${cred}`);
    }
    for (const role of ROLES) {
      const cookie = cookies[role];
      assert.equal(await upgradeStatus(ts.url, `/${enc(f.name)}`, { cookie, origin: 'https://evil.example' }), 403, `upgrade as ${role} from another site`);
      assert.equal(await upgradeStatus(ts.url, `/${enc(f.name)}`, { cookie }), 403, `upgrade as ${role} without Origin`);
      const want = expectedForSession('read', 'GET', role, false);
      assert.equal(await upgradeStatus(ts.url, `/${enc(f.name)}`, { cookie, origin: base }), want === 200 ? 101 : want, `upgrade as ${role}`);
    }
  });

  test('Authorization: Bearer wins over ?token= on every surface', async () => {
    const f = await seed('m/bearer');
    const headers = (token: string) => ({ authorization: `Bearer ${token}` });
    const q = (token: string) => `?token=${enc(token)}`;
    // A good header beats a revoked link in the query, and a revoked link in the header beats a good query.
    assert.equal((await fetch(`${base}/api/docs/${enc(f.name)}${q(f.revokedShare)}`, { headers: headers(tokens.read) })).status, 200);
    assert.equal((await fetch(`${base}/api/docs/${enc(f.name)}${q(tokens.read)}`, { headers: headers(f.revokedShare) })).status, 401);
    assert.equal((await fetch(`${base}/files/${enc(f.name)}/${f.sha256}${q(tokens.read)}`, { headers: headers(f.revokedShare) })).status, 401);
    assert.equal((await fetch(`${base}/api/access/${enc(f.name)}${q(tokens.read)}`, { headers: headers(f.revokedShare) })).status, 401);
    assert.equal(await upgradeStatus(ts.url, `/${enc(f.name)}${q(tokens.read)}`, headers(f.revokedShare)), 401);
    assert.equal(await upgradeStatus(ts.url, `/${enc(f.name)}${q(f.revokedShare)}`, headers(tokens.read)), 101);
    // Without a header, the query counts (browsers cannot set headers on a WebSocket).
    assert.equal(await upgradeStatus(ts.url, `/${enc(f.name)}${q(tokens.read)}`), 101);
  });

  test('a revoked link is refused at once by every surface, DELETE included, and lists nothing', async () => {
    const f = await seed('m/revoke');
    const link = f.readShare;
    const write = await ok(await call('POST', `/api/docs/${enc(f.name)}/shares`, operator, JSON.stringify({ mode: 'write' }), 'application/json'), 'write link');
    const writeLink = write.token as string;
    assert.equal((await call('GET', '/api/docs', writeLink)).status, 200);
    assert.equal((await call('DELETE', `/api/docs/${enc(f.name)}/shares/${write.id as string}`, operator)).status, 204);
    assert.equal((await call('DELETE', `/api/docs/${enc(f.name)}`, writeLink)).status, 401);
    assert.equal((await call('GET', '/api/docs', writeLink)).status, 401);
    assert.equal((await call('GET', `/api/docs/${enc(f.name)}/export?format=md`, writeLink)).status, 401);
    assert.equal((await call('GET', `/api/docs/${enc(f.name)}`, operator)).status, 200, 'the document is still there');
    assert.equal((await call('GET', `/api/docs/${enc(f.name)}`, link)).status, 200, 'other links still work');
  });

  test('a share link used on another document is 403, on no document at all 401 when revoked', async () => {
    const f = await seed('m/one');
    await seed('m/two');
    assert.equal((await call('GET', `/api/docs/${enc('m/two')}`, f.readShare)).status, 403);
    assert.equal((await call('GET', `/api/docs/${enc('m/two')}`, f.revokedShare)).status, 403);
    assert.equal((await call('GET', '/api/docs', f.revokedShare)).status, 401);
  });
});
