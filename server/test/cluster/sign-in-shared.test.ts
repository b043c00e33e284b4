// Sign-in behind a round-robin load balancer (DESIGN.md, "Sign-in (optional)" and "scale-out"):
// the login starts on one instance and its callback lands on the other, so the login transaction
// must be where both read it; a session started on one is valid on the other and a logout through
// either ends it on both. Root cause it guards: a login transaction kept in one process's memory
// fails every other login behind a balancer that does not stick.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup, freePort, startTestServer, type TestServer } from '../helpers.js';
import { Browser } from '../signin/support/browser.js';
import { signInEnv, startProvider, type TestProvider } from '../signin/support/provider.js';
import { signIn } from '../signin/support/session.js';
import { startRedis, type RedisServer } from './support/redis.js';

/** Sends each request to the next instance in turn. */
function roundRobin(port: number, targets: () => number[]): Promise<Server & { hits: number[] }> {
  let next = 0;
  const hits: number[] = [];
  const server = createServer((req, res) => {
    const ports = targets();
    const i = next++ % ports.length;
    hits.push(i);
    const upstream = request({ host: '127.0.0.1', port: ports[i], path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(Object.assign(server, { hits }))));
}

describe('sign-in across two instances behind round robin', () => {
  let redis: RedisServer;
  let provider: TestProvider;
  let instances: TestServer[];
  let lb: Server & { hits: number[] };
  let base: string;

  before(async () => {
    redis = await startRedis();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startProvider([`${base}/auth/callback`]);
    const env = { ...signInEnv(provider.issuer, base, 'shared-sign-in-secret-0123456789'), REDIS_URL: redis.url };
    instances = [await startTestServer(env), await startTestServer(env)];
    lb = await roundRobin(port, () => instances.map((i) => i.port));
  });
  after(async () => {
    lb.close();
    for (const i of instances) await i.stop();
    for (const i of instances) cleanup(i.dataDir);
    await provider.stop();
    await redis.stop();
  });

  test('a login started on one instance finishes on the other; both know the session; a logout ends it on both', async () => {
    const b = new Browser();
    const start = lb.hits.length;
    const callback = await b.authorize(`${base}/auth/login`, 'alice');
    const done = await b.fetch(callback);
    assert.equal(done.status, 302, await done.text());
    assert.notEqual(lb.hits[start], lb.hits[start + 1], 'login and callback went to different instances');
    const kept = b.cookie(base, 'tandem_session')!;
    const ask = async (ts: TestServer) => {
      const direct = new Browser();
      direct.setCookie(`http://127.0.0.1:${ts.port}`, 'tandem_session', kept);
      return ((await (await direct.fetch(`http://127.0.0.1:${ts.port}/api/me`)).json()) as { user: { id: string } | null }).user;
    };
    for (const ts of instances) assert.equal((await ask(ts))?.id, 'oidc:alice', `instance on ${ts.port}`);
    const out = await b.fetch(`${base}/auth/logout`, { method: 'POST', headers: { origin: base } });
    assert.equal(out.status, 204);
    for (const ts of instances) assert.equal(await ask(ts), null, `after logout, instance on ${ts.port}`);
  });

  test('two people opening a new name on two instances at once: exactly one is its owner', async () => {
    const [a, b] = await Promise.all([signIn(base, 'alice'), signIn(base, 'bob')]);
    const at = (ts: TestServer, path: string, cookie: string) => fetch(`http://127.0.0.1:${ts.port}${path}`, { headers: { cookie } });
    const [ra, rb] = await Promise.all([at(instances[0]!, '/api/access/race', a.cookie), at(instances[1]!, '/api/access/race', b.cookie)]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 403]);
    const owner = ra.status === 200 ? 'alice@example.com' : 'bob@example.com';
    for (const ts of instances) {
      const people = (await (await at(ts, '/api/docs/race/people', ra.status === 200 ? a.cookie : b.cookie)).json()) as { people: Array<{ email: string; role: string }> };
      assert.deepEqual(people.people.map((p) => [p.email, p.role]), [[owner, 'owner']]);
    }
  });

  test('a role change through one instance reaches the person\'s socket on the other within 2 s', async () => {
    const [a, b] = await Promise.all([signIn(base, 'alice'), signIn(base, 'bob')]);
    const [one, two] = instances.map((ts) => `ws://127.0.0.1:${ts.port}`) as [string, string];
    const put = (role: string | undefined) =>
      fetch(`http://127.0.0.1:${instances[0]!.port}/api/docs/team/people`, {
        method: 'PUT',
        headers: { cookie: a.cookie, origin: base, 'content-type': 'application/json' },
        body: JSON.stringify({ people: [{ email: 'alice@example.com', role: 'owner' }, ...(role ? [{ email: 'bob@example.com', role }] : [])], general: 'restricted' }),
      });
    (await a.open(one, 'team')).ws.close();
    assert.equal((await put('commenter')).status, 200);
    const first = await b.open(two, 'team');
    const changedAt = Date.now();
    assert.equal((await put('editor')).status, 200);
    assert.equal(await first.closed, 4403);
    assert.ok(Date.now() - changedAt < 2000, `took ${Date.now() - changedAt} ms`);
    const second = await b.open(two, 'team');
    const removedAt = Date.now();
    assert.equal((await put(undefined)).status, 200);
    assert.equal(await second.closed, 4401);
    assert.ok(Date.now() - removedAt < 2000, `took ${Date.now() - removedAt} ms`);
  });

  test('a logout through one instance closes the session\'s socket on the other within 2 s (4401)', async () => {
    const a = await signIn(base, 'alice');
    const socket = await a.open(`ws://127.0.0.1:${instances[1]!.port}`, 'alices-own');
    const outAt = Date.now();
    const out = await fetch(`http://127.0.0.1:${instances[0]!.port}/auth/logout`, { method: 'POST', headers: { cookie: a.cookie, origin: base } });
    assert.equal(out.status, 204);
    assert.equal(await socket.closed, 4401);
    assert.ok(Date.now() - outAt < 2000, `took ${Date.now() - outAt} ms`);
  });
});
