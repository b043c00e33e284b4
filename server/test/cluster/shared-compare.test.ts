// Compare with REDIS_URL: who wrote with which Yjs client id is recorded by the instance that
// accepted the update and shared through Redis, so any instance attributes the changes made
// through another (issue 25).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { api, doc } from '../api.js';
import { connect, startTestServer, waitFor, type TestServer } from '../helpers.js';
import { useRedisAndServers } from './support/redis.js';

const cluster = useRedisAndServers();
const SECRET = 'shared-compare-secret-0123456789';

/** Each author's inserted words, in document order (spaces left out). */
function insertedBy(body: { doc: unknown; authors: Array<{ name: string }> }): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (n: { type: string; text?: string; marks?: Array<{ type: string; attrs?: { author: number } }>; content?: unknown[] }) => {
    const m = n.marks?.find((x) => x.type === 'compareInsertion');
    if (m && n.text!.trim() !== '') out.push([body.authors[m.attrs!.author]!.name, n.text!.trim()]);
    for (const c of n.content ?? []) walk(c as typeof n);
  };
  walk(body.doc as Parameters<typeof walk>[0]);
  return out;
}

test('two instances: changes accepted by each are attributed by both', { timeout: 60_000 }, async () => {
  const env = { REDIS_URL: cluster.redis.url, AUTH_SECRET: SECRET, VERSION_IDLE_MS: '600000', VERSION_EVERY_MS: '6000000' };
  const a = await startTestServer(env);
  const b = await startTestServer(env);
  cluster.servers.push(a, b);
  const name = 'shared/compare';
  const [annTok, bobTok] = await Promise.all([mintToken(SECRET, { doc: name, mode: 'write', sub: 'ann', name: 'Ann' }, 600), mintToken(SECRET, { doc: name, mode: 'write', sub: 'bob', name: 'Bob' }, 600)]);
  const ann = connect(a.url, name, { params: { token: annTok } });
  const bob = connect(b.url, name, { params: { token: bobTok } });
  await Promise.all([ann.synced, bob.synced]);
  ann.text.insert(0, 'start');
  await waitFor(() => bob.text.toString() === 'start', { what: 'Ann’s text at B' });
  const v = await api(a, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: '{"name":"start"}', token: annTok });
  assert.equal(v.status, 201, v.text);

  ann.text.insert(5, ' alpha');
  await waitFor(() => bob.text.toString() === 'start alpha', { what: 'Ann’s edit at B' });
  bob.text.insert(11, ' beta');
  await waitFor(() => ann.text.toString() === 'start alpha beta', { what: 'Bob’s edit at A' });

  const compare = async (ts: TestServer) => {
    const r = await api(ts, 'GET', `${doc(name)}/compare?from=${v.json.id}&to=now`, { token: annTok });
    assert.equal(r.status, 200, r.text);
    return insertedBy(r.json);
  };
  // Recorded in batches: each instance writes what it accepted within AUTHORSHIP_FLUSH_MS.
  const expected = [['Ann', 'alpha'], ['Bob', 'beta']];
  await waitFor(async () => JSON.stringify(await compare(a)) === JSON.stringify(expected), { what: 'A attributing both' });
  await waitFor(async () => JSON.stringify(await compare(b)) === JSON.stringify(expected), { what: 'B attributing both' });
  ann.destroy();
  bob.destroy();
});
