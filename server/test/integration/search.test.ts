// Search across documents (DESIGN.md, "Contract — workspace"): ranked over titles and text,
// plain-text snippets, only documents the caller may read (a token for `team/*` never sees
// `other`), bad queries 400; the index is stored, so a restart loads it instead of rebuilding,
// and it is rebuilt from the documents when the stored one is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '../../src/auth/tokens.js';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { storesOver } from '../../src/storage/Stores.js';
import { api, doc } from '../api.js';
import { connect, type TestServer, useTestServer, waitFor } from '../helpers.js';

const SECRET = 'search-test-secret-that-is-long-enough';
let ts: TestServer;
useTestServer((started) => (ts = started), { AUTH_SECRET: SECRET });

const admin = () => mintToken(SECRET, { doc: '*', mode: 'write' }, 600);

async function put(name: string, markdown: string, title?: string): Promise<void> {
  const tok = await admin();
  const r = await api(ts, 'PUT', `${doc(name)}/import`, { token: tok, type: 'text/markdown', body: markdown });
  assert.equal(r.status, 200, r.text);
  if (title !== undefined) assert.equal((await api(ts, 'PATCH', doc(name), { token: tok, type: 'application/json', body: JSON.stringify({ title }) })).status, 200);
}

type Result = { name: string; title: string; snippet: string };
async function search(q: string, tok: string, limit?: number): Promise<Result[]> {
  const r = await api(ts, 'GET', `search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`, { token: tok });
  assert.equal(r.status, 200, r.text);
  return r.json.results as Result[];
}
const names = (results: Result[]) => results.map((r) => r.name).sort();

test('ranked over titles and text, a title match first, with a plain-text snippet around the match', async () => {
  await put('team/body', `# Notes\n\n${'Filler words about nothing. '.repeat(20)}The **aardvark** sleeps all day. ${'More filler. '.repeat(20)}`);
  await put('team/titled', 'Nothing about animals here.', 'Aardvark care guide');
  const tok = await admin();
  const results = await waitFor(async () => {
    const found = await search('aardvark', tok);
    return found.length === 2 ? found : undefined;
  }, { timeoutMs: 60_000, what: 'both documents indexed' });
  assert.equal(results[0]!.name, 'team/titled', 'the title match ranks first');
  assert.equal(results[0]!.title, 'Aardvark care guide');
  const body = results.find((r) => r.name === 'team/body')!;
  assert.equal(body.title, '');
  assert.match(body.snippet, /The aardvark sleeps all day/);
  assert.ok(!body.snippet.includes('<') && !body.snippet.includes('*'), 'plain text, no markup');
  assert.ok(body.snippet.length < 200 && body.snippet.startsWith('…'), 'cut around the match');
  // The word being typed is a prefix; words are matched whatever their case and accents' form.
  assert.deepEqual(names(await search('AARDV', tok)), ['team/body', 'team/titled']);
  assert.deepEqual(names(await search('aardvark sleeps', tok)), ['team/body'], 'every word must match');
  assert.equal((await search('aardvark', tok, 1)).length, 1);
});

test('only documents the caller may read: a token for team/* never sees other, one for a name sees that one', async () => {
  await put('other', 'The secret zebra plan.');
  await put('team/zebra', 'A zebra of the team.');
  const tok = await admin();
  await waitFor(async () => (await search('zebra', tok)).length === 2, { timeoutMs: 60_000, what: 'both documents indexed' });
  const team = await mintToken(SECRET, { doc: 'team/*', mode: 'read' }, 600);
  assert.deepEqual(names(await search('zebra', team)), ['team/zebra']);
  assert.deepEqual(names(await search('secret', team)), [], 'not even a match elsewhere shows');
  const one = await mintToken(SECRET, { doc: 'other', mode: 'read' }, 600);
  assert.deepEqual(names(await search('zebra', one)), ['other']);
  assert.equal((await api(ts, 'GET', 'search?q=zebra')).status, 401);
});

test('bad queries are 400: empty, only punctuation, 10,000 characters, a bad limit', async () => {
  const tok = await admin();
  for (const q of ['', '   ', '?!…—', '%%'.repeat(3), 'a'.repeat(257), 'word '.repeat(2000)]) {
    const r = await api(ts, 'GET', `search?q=${encodeURIComponent(q)}`, { token: tok });
    assert.equal(r.status, 400, `q=${JSON.stringify(q.slice(0, 20))}: ${r.text}`);
    assert.equal(r.json.error, 'bad_request');
  }
  assert.equal((await api(ts, 'GET', 'search', { token: tok })).status, 400);
  for (const limit of ['0', '101', '-1', '2.5', 'ten']) assert.equal((await api(ts, 'GET', `search?q=x&limit=${limit}`, { token: tok })).status, 400, `limit=${limit}`);
  assert.equal((await api(ts, 'GET', `search?q=${'a'.repeat(256)}&limit=100`, { token: tok })).status, 200, '256 characters and limit 100 are fine');
});

test('an edit is found after indexing; a deleted document is never found again', async () => {
  const tok = await admin();
  await put('team/edited', 'Before the change.');
  await put('team/edited', 'After the quetzal arrived.');
  await waitFor(async () => (await search('quetzal', tok)).length === 1, { timeoutMs: 60_000, what: 'the edit indexed' });
  assert.equal((await api(ts, 'DELETE', doc('team/edited'), { token: tok })).status, 204);
  assert.deepEqual(await search('quetzal', tok), []);
});

test('a document edited without a pause is searchable while the typing goes on, not only once it stops', async () => {
  const tok = await admin();
  const typist = connect(ts.url, 'team/busy', { params: { token: tok } });
  await typist.synced;
  let typing = true;
  const typed = (async () => {
    // A keystroke every 100 ms, well inside the indexing debounce (1 s), for up to 30 s.
    for (let i = 0; i < 300 && typing; i++) {
      typist.text.insert(typist.text.length, i === 0 ? 'Wombat ' : 'x');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return typing;
  })();
  try {
    await waitFor(async () => (await search('wombat', tok)).length === 1, { timeoutMs: 60_000, what: 'the busy document indexed' });
    typing = false;
    assert.equal(await typed, false, 'found while the typing was still going on');
  } finally {
    typing = false;
    typist.destroy();
  }
});

test('the index survives a restart without a rebuild, and is rebuilt from the documents when deleted', async (t) => {
  // The servers started here are this test's to stop (the file's own hook stops the first one).
  t.after(() => ts.stop());
  const tok = await admin();
  await put('team/kept', 'The okapi stays.', 'Okapi');
  await waitFor(async () => (await search('okapi', tok)).length === 1, { timeoutMs: 60_000, what: 'indexed' });
  // Changed just before the stop, within the debounce: indexed as its room closes.
  await put('team/late', 'The tapir arrives late.');
  ts = await ts.restart();
  assert.equal(ts.server.search.startedFrom, 'stored');
  assert.deepEqual(names(await search('okapi', tok)), ['team/kept'], 'found at once: the stored index was loaded');
  assert.deepEqual(names(await search('tapir', tok)), ['team/late'], 'what was queued at the stop was indexed then');
  // Without the stored index, a start rebuilds it from the documents themselves.
  await ts.stop();
  const kv = new LevelKV(ts.dataDir, { sync: false });
  await kv.open();
  await storesOver(kv).search.deleteIndex();
  await kv.close();
  ts = await ts.restart();
  assert.equal(ts.server.search.startedFrom, 'rebuilt');
  await ts.server.search.rebuilt();
  const found = await search('okapi', tok);
  assert.deepEqual(names(found), ['team/kept']);
  assert.equal(found[0]!.title, 'Okapi');
  assert.deepEqual(names(await search('zebra', tok)), ['other', 'team/zebra']);
});

