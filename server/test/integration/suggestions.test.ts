// Review: suggestions (issue 25, DESIGN.md "Contract — review: suggestions"), with real
// y-websocket clients whose documents are bound the way the editor binds them (@tiptap/y-tiptap,
// test/editorPeer.ts): what a commenter may send (its own inline suggestions), what closes it
// with 1008 with nothing applied, concurrent suggestions, a writer accepting and rejecting while
// a commenter types, the wait for changes not here yet (1011), exports, versions and restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { FRAGMENT, writeBlockSuggestion } from '@tandem/schema';
import { mintToken } from '../../src/auth/tokens.js';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { api, doc } from '../api.js';
import { closeCode, connect, rawSocket, type Client, type TestServer, useTestServer, waitFor } from '../helpers.js';
import { EditorPeer, deletion, insertion, modification, schema, typeAt, type SuggestionAttrs } from '../editorPeer.js';

const SECRET = 'suggestions-test-secret-that-is-long-enough';
const WAIT_MS = 300;
let ts: TestServer;
useTestServer((started) => (ts = started), { AUTH_SECRET: SECRET, REDIS_TIMEOUT_MS: String(WAIT_MS) });

type Mode = 'read' | 'comment' | 'write';
const token = (mode: Mode, sub: string, name: string) => mintToken(SECRET, { doc: 's/*', mode, sub, name }, 600);
const attrs = (who: string, n = 1): SuggestionAttrs => ({ id: `sugg-${who}-${String(n).padStart(4, '0')}`, author: who, authorId: who, createdAt: 1_700_000_000_000 + n });

interface Person {
  peer: EditorPeer;
  client: Client;
  /** The first close code the server sent this person's socket. */
  closed: Promise<number>;
  closedWith: number | undefined;
}

async function join(name: string, mode: Mode, who: string): Promise<Person> {
  const ydoc = new Y.Doc();
  const client = connect(ts.url, name, { doc: ydoc, params: { token: await token(mode, who, who) } });
  const person: Person = { peer: new EditorPeer(ydoc), client, closed: undefined as unknown as Promise<number>, closedWith: undefined };
  person.closed = new Promise<number>((resolve) =>
    client.provider.on('connection-close', (event) => {
      if (!event || person.closedWith !== undefined) return;
      person.closedWith = event.code;
      client.provider.disconnect(); // y-websocket would reconnect and send the same again
      resolve(event.code);
    }),
  );
  await client.synced;
  return person;
}

/** A document written by a writer: a heading and two paragraphs. */
async function fresh(name: string): Promise<Person> {
  const wes = await join(name, 'write', 'wes');
  wes.peer.load({
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'The quick fox jumps.' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Over the lazy dog.' }] },
    ],
  });
  // The server holds it before anyone else builds on it (CI once read an empty export here).
  await waitFor(async () => /quick fox/.test(await exported(name, 'txt', true)), { what: "the writer's document on the server" });
  return wes;
}

/** A writer's document in which a commenter has suggested inserting "brown ". */
async function withSuggestion(name: string): Promise<{ wes: Person; cora: Person }> {
  const wes = await fresh(name);
  const cora = await join(name, 'comment', 'cora');
  await waitFor(() => same(wes.peer, cora.peer));
  cora.peer.edit((tr) => typeAt(tr, cora.peer.find('fox'), 'brown ', [insertion(attrs('cora'))]));
  return { wes, cora };
}

/** The position of the top-level block at `index`. */
function blockAt(tr: import('@tiptap/pm/state').Transaction, index: number): number {
  let pos = 0;
  tr.doc.forEach((_node, offset, i) => {
    if (i === index) pos = offset;
  });
  return pos;
}

const same = (a: EditorPeer, b: EditorPeer) => JSON.stringify(a.json()) === JSON.stringify(b.json());

async function exported(name: string, format: string, show = false): Promise<string> {
  const r = await api(ts, 'GET', `${doc(name)}/export?format=${format}${show ? '&suggestions=show' : ''}`, { token: await token('read', 'rita', 'Rita') });
  assert.equal(r.status, 200, r.text);
  return r.text;
}

test('a commenter trying anything but its own inline suggestions is closed with 1008, nothing applied', async () => {
  const name = 's/refused';
  const wes = await fresh(name);
  const cases: Array<[string, (p: EditorPeer, tr: import('@tiptap/pm/state').Transaction) => void]> = [
    ['insert text without an insertion mark', (p, tr) => typeAt(tr, p.find('fox'), 'red ', [])],
    ["delete someone's text", (p, tr) => tr.delete(p.find('quick'), p.find('quick') + 6)],
    ['add a paragraph', (_p, tr) => tr.insert(tr.doc.content.size, schema.nodes.paragraph!.create(null, schema.text('New', [insertion(attrs('cora'))])))],
    ['change a heading level', (_p, tr) => tr.setNodeMarkup(0, undefined, { level: 2 })],
    ['add a modification', (p, tr) => tr.addMark(p.find('quick'), p.find('quick') + 5, modification(attrs('cora'), '[]'))],
    ["write an insertion with another person's authorId", (p, tr) => typeAt(tr, p.find('fox'), 'red ', [insertion(attrs('dana'))])],
  ];
  const before = await exported(name, 'json', true);
  for (const [what, change] of cases) {
    const cora = await join(name, 'comment', 'cora');
    cora.peer.edit((tr) => change(cora.peer, tr));
    assert.equal(await cora.closed, 1008, what);
    cora.client.destroy();
    assert.equal(await exported(name, 'json', true), before, `${what}: nothing applied`);
  }
  assert.equal(wes.closedWith, undefined);
  wes.client.destroy();
});

test("a commenter's own suggestions are accepted and reach a writer; its reply thread is listed", async () => {
  const name = 's/accepted';
  const wes = await fresh(name);
  const cora = await join(name, 'comment', 'cora');
  await waitFor(() => same(wes.peer, cora.peer), { what: 'the commenter has the text' });
  const mine = attrs('cora');
  const steps: Array<[string, (tr: import('@tiptap/pm/state').Transaction) => void, (text: string) => boolean]> = [
    ['insert under its own mark', (tr) => typeAt(tr, cora.peer.find('fox'), 'brown ', [insertion(mine)]), (t) => t.includes('quick brown fox')],
    ['extend its own run', (tr) => typeAt(tr, cora.peer.find('brown ') + 5, 'ish', [insertion(mine)]), (t) => t.includes('brownish fox')],
    ['delete inside its own insertion', (tr) => tr.delete(cora.peer.find('ish'), cora.peer.find('ish') + 2), (t) => t.includes('brownh fox')],
    ['mark a deletion', (tr) => tr.addMark(cora.peer.find('lazy '), cora.peer.find('lazy ') + 5, deletion(attrs('cora', 2))), (_t) => JSON.stringify(wes.peer.json()).includes('"deletion"')],
    ['remove its own deletion mark', (tr) => tr.removeMark(0, tr.doc.content.size, schema.marks.deletion!), (_t) => !JSON.stringify(wes.peer.json()).includes('"deletion"')],
  ];
  for (const [what, change, seen] of steps) {
    cora.peer.edit(change);
    await waitFor(() => seen(wes.peer.node.textContent) && same(wes.peer, cora.peer), { what });
  }
  // Its reply thread: an ordinary thread whose id is the suggestion's, marked `suggestion`.
  cora.client.doc.transact(() => {
    const thread = new Y.Map<unknown>();
    cora.client.doc.getMap(`comments`).set(mine.id, thread);
    thread.set('quote', 'brownh ');
    thread.set('resolved', false);
    thread.set('resolvedBy', null);
    thread.set('createdAt', new Date().toISOString());
    thread.set('suggestion', true);
    const comments = new Y.Array<Y.Map<unknown>>();
    thread.set('comments', comments);
    const c = new Y.Map<unknown>();
    c.set('id', 'reply-cora-0001');
    c.set('author', { id: 'cora', name: 'cora', verified: true });
    c.set('body', 'Brown is the colour.');
    c.set('createdAt', new Date().toISOString());
    comments.push([c]);
  });
  const listed = async () => ((await api(ts, 'GET', `${doc(name)}/comments`, { token: await token('read', 'rita', 'Rita') })).json as { threads: Array<{ id: string; suggestion?: boolean; detached: boolean }> }).threads;
  await waitFor(async () => (await listed()).length === 1, { what: 'the reply thread listed' });
  const [thread] = await listed();
  assert.equal(thread!.id, mine.id);
  assert.equal(thread!.suggestion, true);
  assert.equal(thread!.detached, false, 'anchored by its suggestion');
  assert.equal(cora.closedWith, undefined);
  // Once its text is gone (rejected by the writer), the thread is detached, never lost.
  wes.peer.edit((tr) => tr.delete(wes.peer.find('brownh '), wes.peer.find('brownh ') + 7));
  await waitFor(async () => (await listed())[0]?.detached === true, { what: 'the thread detached' });
  cora.client.destroy();
  wes.client.destroy();
});

test('two commenters suggesting in the same sentence at once: both kept, each attributed', async () => {
  const name = 's/concurrent';
  const wes = await fresh(name);
  const cora = await join(name, 'comment', 'cora');
  const carl = await join(name, 'comment', 'carl');
  await waitFor(() => same(wes.peer, cora.peer) && same(wes.peer, carl.peer));
  // Both edit before either hears of the other.
  cora.peer.edit((tr) => typeAt(tr, cora.peer.find('fox'), 'brown ', [insertion(attrs('cora'))]));
  carl.peer.edit((tr) => typeAt(tr, carl.peer.find('fox'), 'sly ', [insertion(attrs('carl'))]));
  await waitFor(() => same(wes.peer, cora.peer) && same(wes.peer, carl.peer) && /brown/.test(wes.peer.node.textContent) && /sly/.test(wes.peer.node.textContent), { what: 'convergence' });
  const authors: Record<string, string> = {};
  wes.peer.node.descendants((n) => {
    const mark = n.marks.find((m) => m.type.name === 'insertion');
    if (n.isText && mark) authors[n.text!] = mark.attrs.authorId as string;
  });
  assert.deepEqual(Object.fromEntries(Object.entries(authors).sort()), { 'brown ': 'cora', 'sly ': 'carl' });
  assert.equal(cora.closedWith ?? carl.closedWith, undefined);
  for (const p of [wes, cora, carl]) p.client.destroy();
});

test('a writer accepts one suggestion and rejects another while a commenter types a third', async () => {
  const name = 's/accept-reject';
  const wes = await fresh(name);
  const dana = await join(name, 'comment', 'dana');
  const carl = await join(name, 'comment', 'carl');
  const cora = await join(name, 'comment', 'cora');
  await waitFor(() => [dana, carl, cora].every((p) => same(wes.peer, p.peer)));
  dana.peer.edit((tr) => typeAt(tr, dana.peer.find('fox'), 'brown ', [insertion(attrs('dana'))]));
  carl.peer.edit((tr) => typeAt(tr, carl.peer.find('dog'), 'old ', [insertion(attrs('carl'))]));
  await waitFor(() => [dana, carl, cora].every((p) => same(wes.peer, p.peer)) && /brown/.test(cora.peer.node.textContent) && /old/.test(cora.peer.node.textContent));
  // The writer accepts Dana's (removes the mark) and rejects Carl's (deletes the text) while
  // Cora types her own suggestion, a keystroke at a time.
  wes.peer.edit((tr) => tr.removeMark(wes.peer.find('brown '), wes.peer.find('brown ') + 6, schema.marks.insertion!));
  let at = cora.peer.find('jumps') + 5;
  for (const ch of ' high') {
    cora.peer.edit((tr) => typeAt(tr, at, ch, [insertion(attrs('cora'))]));
    at += 1;
  }
  wes.peer.edit((tr) => tr.delete(wes.peer.find('old '), wes.peer.find('old ') + 4));
  await waitFor(() => [dana, carl, cora].every((p) => same(wes.peer, p.peer)) && /jumps high\./.test(wes.peer.node.textContent) && !/old/.test(wes.peer.node.textContent), { what: 'convergence' });
  assert.equal(wes.peer.node.textContent, 'TitleThe quick brown fox jumps high.Over the lazy dog.');
  const marked: string[] = [];
  wes.peer.node.descendants((n) => {
    if (n.isText && n.marks.some((m) => m.type.name === 'insertion')) marked.push(n.text!);
  });
  assert.deepEqual(marked, [' high'], "only Cora's suggestion is still pending");
  for (const p of [dana, carl, cora]) assert.equal(p.closedWith, undefined);
  for (const p of [wes, dana, carl, cora]) p.client.destroy();
});

test('an update building on changes the server does not have waits for them, then closes with 1011', async () => {
  const name = 's/missing';
  const wes = await fresh(name);
  const built = async () => {
    // A writer's change the server has not got yet, and a commenter's suggestion typed into it.
    const local = new EditorPeer();
    local.receive((await api(ts, 'GET', `${doc(name)}/export?format=yjs`, { token: await token('read', 'rita', 'Rita') })).bytes);
    const base = Y.encodeStateVector(local.doc);
    local.edit((tr) => typeAt(tr, local.find('fox'), 'red ', []));
    const writer = Y.encodeStateAsUpdate(local.doc, base);
    const middle = Y.encodeStateVector(local.doc);
    local.edit((tr) => typeAt(tr, local.find('red ') + 4, 'very ', [insertion(attrs('cora'))]));
    return { writer, commenter: Y.encodeStateAsUpdate(local.doc, middle) };
  };
  // Its base never comes: 1011 after REDIS_TIMEOUT_MS, nothing applied.
  const lost = await built();
  const ws = await rawSocket(ts.url, name, {}, await token('comment', 'cora', 'cora'));
  const closed = closeCode(ws);
  ws.send(encodeUpdate(lost.commenter));
  assert.equal((await closed).code, 1011);
  assert.doesNotMatch(await exported(name, 'txt', true), /very/);
  // Its base comes from a writer meanwhile: it is judged then, and accepted.
  const late = await built();
  const ws2 = await rawSocket(ts.url, name, {}, await token('comment', 'cora', 'cora'));
  const closed2 = closeCode(ws2).then((c) => c.code);
  ws2.send(encodeUpdate(late.commenter));
  wes.client.doc.transact(() => Y.applyUpdate(wes.client.doc, late.writer));
  await waitFor(() => /red very fox/.test(wes.peer.node.textContent), { what: "the commenter's suggestion applied" });
  ws2.close();
  assert.equal(await closed2, 1005, 'closed by the client, not the server');
  wes.client.destroy();
});

test('exports: the accepted text, or with &suggestions=show the suggestions (html, md, txt, json)', async () => {
  const name = 's/exports';
  const { wes, cora } = await withSuggestion(name);
  cora.peer.edit((tr) => tr.addMark(cora.peer.find('lazy '), cora.peer.find('lazy ') + 5, deletion(attrs('cora', 2))));
  await waitFor(async () => /brown/.test(await exported(name, 'txt', true)) && /"deletion"/.test(await exported(name, 'json', true)));

  const html = await exported(name, 'html');
  assert.match(html, /The quick fox jumps\./);
  assert.match(html, /Over the lazy dog\./);
  assert.doesNotMatch(html, /brown|<ins|<del|data-suggestion/);
  const shownHtml = await exported(name, 'html', true);
  assert.match(shownHtml, /<ins[^>]*data-suggestion="sugg-cora-0001"[^>]*>brown <\/ins>/);
  assert.match(shownHtml, /<ins[^>]*data-author="cora"/);
  assert.match(shownHtml, /<del[^>]*data-suggestion="sugg-cora-0002"[^>]*>lazy <\/del>/);
  assert.match(shownHtml, /<del[^>]*data-author="cora"/);

  assert.equal(await exported(name, 'txt'), 'Title\n\nThe quick fox jumps.\n\nOver the lazy dog.\n');
  assert.equal(await exported(name, 'txt', true), 'Title\n\nThe quick brown fox jumps.\n\nOver the lazy dog.\n');
  assert.equal(await exported(name, 'md'), '# Title\n\nThe quick fox jumps.\n\nOver the lazy dog.\n');
  assert.equal(await exported(name, 'md', true), '# Title\n\nThe quick brown fox jumps.\n\nOver the lazy dog.\n');

  const json = JSON.parse(await exported(name, 'json')) as { doc: unknown; threads: unknown[] };
  assert.doesNotMatch(JSON.stringify(json.doc), /insertion|deletion|brown/);
  assert.deepEqual(json.threads, []);
  const shown = JSON.parse(await exported(name, 'json', true)) as { doc: { content: Array<{ content?: Array<{ text: string; marks?: Array<{ type: string; attrs: { authorId: string } }> }> }> } };
  const texts = shown.doc.content[1]!.content!;
  assert.deepEqual(texts.map((t) => [t.text, t.marks?.[0]?.type ?? null, t.marks?.[0]?.attrs.authorId ?? null]), [
    ['The quick ', null, null],
    ['brown ', 'insertion', 'cora'],
    ['fox jumps.', null, null],
  ]);
  const bad = await api(ts, 'GET', `${doc(name)}/export?format=md&suggestions=maybe`, { token: await token('read', 'rita', 'Rita') });
  assert.equal(bad.status, 400);
  // The raw document keeps everything.
  const raw = new Y.Doc();
  Y.applyUpdate(raw, (await api(ts, 'GET', `${doc(name)}/export?format=yjs`, { token: await token('read', 'rita', 'Rita') })).bytes);
  assert.match(JSON.stringify(raw.getXmlFragment(FRAGMENT).toJSON()), /brown/);
  for (const p of [wes, cora]) p.client.destroy();
});

test('a version and its restore keep suggestions: marks and block suggestions', async () => {
  const name = 's/versions';
  const { wes, cora } = await withSuggestion(name);
  // A writer's block suggestion: the last paragraph proposed for deletion.
  const block = writeBlockSuggestion({ kind: 'delete', ...attrs('wes') });
  await waitFor(() => same(wes.peer, cora.peer) && /brown/.test(wes.peer.node.textContent));
  wes.peer.edit((tr) => tr.setNodeMarkup(blockAt(tr, 2), undefined, { suggestion: block }));
  const hasBlock = (p: Person) => JSON.stringify(p.peer.json()).includes(JSON.stringify(block));
  await waitFor(() => same(wes.peer, cora.peer) && hasBlock(cora));
  const withSuggestions = JSON.stringify(wes.peer.json());
  const w = await token('write', 'wes', 'wes');
  const version = await api(ts, 'POST', `${doc(name)}/versions`, { token: w, type: 'application/json', body: JSON.stringify({ name: 'With suggestions' }) });
  assert.equal(version.status, 201, version.text);
  const versionJson = (await api(ts, 'GET', `${doc(name)}/versions/${version.json.id}/export?format=json&suggestions=show`, { token: w })).text;
  assert.ok(versionJson.includes(JSON.stringify(block)) && versionJson.includes('"authorId":"cora"'), 'the version holds them');
  // The writer rejects everything, then restores the version.
  wes.peer.edit((tr) => {
    tr.delete(wes.peer.find('brown '), wes.peer.find('brown ') + 6);
    tr.setNodeMarkup(blockAt(tr, 2), undefined, { suggestion: null });
  });
  await waitFor(() => !hasBlock(cora) && !/brown/.test(cora.peer.node.textContent));
  const restored = await api(ts, 'POST', `${doc(name)}/versions/${version.json.id}/restore`, { token: w });
  assert.equal(restored.status, 200, restored.text);
  await waitFor(() => JSON.stringify(wes.peer.json()) === withSuggestions && same(wes.peer, cora.peer), { what: 'the suggestions restored' });
  for (const p of [wes, cora]) assert.equal(p.closedWith, undefined);
  for (const p of [wes, cora]) p.client.destroy();
});
