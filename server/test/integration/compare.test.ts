// Compare (issue 25): two people with their own identities edit between two versions; the
// compare of those versions marks each one's insertions with their name, and deletions with the
// name of whoever deleted (the server records the delete set of every accepted update with its
// sender). The record of who wrote with which client id outlives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { api, doc } from '../api.js';
import { connect, waitFor, type Client, type TestServer, useTestServer } from '../helpers.js';

const SECRET = 'compare-secret-compare-secret-32';
let ts: TestServer;
useTestServer((started) => (ts = started), { AUTH_SECRET: SECRET, VERSION_IDLE_MS: '600000', VERSION_EVERY_MS: '6000000' });

const token = (sub: string, name: string) => mintToken(SECRET, { doc: 'cmp/*', mode: 'write', sub, name }, 600);

interface Marked {
  kind: 'ins' | 'del';
  author: string;
  text: string;
}

/**
 * What each person inserted and deleted in a compare answer, in document order, spaces left out:
 * which of two equal spaces a word diff keeps is its choice, the words and who wrote them are not.
 */
function marked(body: { doc: unknown; authors: Array<{ id: string | null; name: string }> }): Marked[] {
  const out: Marked[] = [];
  const walk = (n: { type: string; text?: string; marks?: Array<{ type: string; attrs?: { author: number } }>; content?: unknown[] }) => {
    const m = n.marks?.find((x) => x.type === 'compareInsertion' || x.type === 'compareDeletion');
    if (m && n.type === 'text' && n.text!.trim() !== '') {
      const kind = m.type === 'compareInsertion' ? 'ins' : 'del';
      const author = body.authors[m.attrs!.author]!.name;
      const last = out[out.length - 1];
      const text = n.text!.replace(/\s/g, '');
      if (last && last.kind === kind && last.author === author) last.text += text;
      else out.push({ kind, author, text });
    }
    for (const c of n.content ?? []) walk(c as typeof n);
  };
  walk(body.doc as Parameters<typeof walk>[0]);
  return out;
}

async function settled(name: string, text: string, tok: string): Promise<void> {
  await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`, { token: tok })).text === `${text}\n`, { what: `the server holding "${text}"` });
}

async function version(name: string, label: string, tok: string): Promise<string> {
  const r = await api(ts, 'POST', `${doc(name)}/versions`, { body: JSON.stringify({ name: label }), type: 'application/json', token: tok });
  assert.equal(r.status, 201, r.text);
  return (r.json as { id: string }).id;
}

test('insertions are attributed to each person, deletions to who deleted, across versions, now and a restart', async () => {
  const name = 'cmp/two people';
  const [annTok, bobTok] = await Promise.all([token('ann-id', 'Ann'), token('bob-id', 'Bob')]);
  const open = (tok: string): Client => connect(ts.url, name, { params: { token: tok } });
  const ann = open(annTok);
  const bob = open(bobTok);
  await Promise.all([ann.synced, bob.synced]);
  ann.text.insert(0, 'Hello world');
  await settled(name, 'Hello world', annTok);
  const v1 = await version(name, 'first', annTok);

  await waitFor(() => bob.text.toString() === 'Hello world', { what: 'Bob seeing Ann\'s text' });
  bob.text.insert(5, ' brave new'); // "Hello brave new world"
  await settled(name, 'Hello brave new world', bobTok);
  await waitFor(() => ann.text.toString() === 'Hello brave new world', { what: 'Ann seeing Bob\'s text' });
  ann.text.delete(0, 6); // Ann deletes "Hello "
  ann.text.insert(ann.text.length, ' today');
  await settled(name, 'brave new world today', annTok);
  const v2 = await version(name, 'second', bobTok);

  const r = await api(ts, 'GET', `${doc(name)}/compare?from=${v1}&to=${v2}`, { token: annTok });
  assert.equal(r.status, 200, r.text);
  const body = r.json as { doc: unknown; authors: Array<{ id: string | null; name: string }>; changes: Array<{ id: number }> };
  assert.deepEqual(marked(body), [
    { kind: 'del', author: 'Ann', text: 'Hello' },
    { kind: 'ins', author: 'Bob', text: 'bravenew' },
    { kind: 'ins', author: 'Ann', text: 'today' },
  ]);
  assert.deepEqual(body.authors.find((a) => a.name === 'Bob'), { id: 'bob-id', name: 'Bob' });
  assert.ok(body.changes.length >= 2);

  // Asked the other way round, the older version is still the one before.
  assert.deepEqual(marked((await api(ts, 'GET', `${doc(name)}/compare?from=${v2}&to=${v1}`, { token: bobTok })).json as typeof body), marked(body));

  // Against now, after a restart: the identities were stored, not only kept in memory.
  bob.text.insert(0, 'Oh, ');
  await settled(name, 'Oh, brave new world today', bobTok);
  ann.destroy();
  bob.destroy();
  ts = await ts.restart();
  const now = await api(ts, 'GET', `${doc(name)}/compare?from=${v1}&to=now`, { token: annTok });
  assert.equal(now.status, 200, now.text);
  assert.deepEqual(marked(now.json as typeof body), [
    { kind: 'del', author: 'Ann', text: 'Hello' }, // a gap shows what went before what came
    { kind: 'ins', author: 'Bob', text: 'Oh,bravenew' },
    { kind: 'ins', author: 'Ann', text: 'today' },
  ]);
});

test('bad compare requests get clear errors', async () => {
  const name = 'cmp/errors';
  const tok = await token('ann-id', 'Ann');
  const c = connect(ts.url, name, { params: { token: tok } });
  await c.synced;
  c.text.insert(0, 'x');
  await settled(name, 'x', tok);
  const v = await version(name, 'only', tok);
  c.destroy();
  assert.equal((await api(ts, 'GET', `${doc(name)}/compare?from=abc&to=now`, { token: tok })).status, 400);
  assert.equal((await api(ts, 'GET', `${doc(name)}/compare?from=${v}`, { token: tok })).status, 400);
  assert.equal((await api(ts, 'GET', `${doc(name)}/compare?from=123&to=now`, { token: tok })).status, 404);
  assert.equal((await api(ts, 'GET', `${doc('cmp/none')}/compare?from=${v}&to=now`, { token: tok })).status, 404);
  const same = await api(ts, 'GET', `${doc(name)}/compare?from=${v}&to=now`, { token: tok });
  assert.deepEqual((same.json as { changes: unknown[] }).changes, []);
});
