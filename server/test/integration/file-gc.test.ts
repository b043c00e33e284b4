// Uploaded files that neither the document nor any kept version refers to are deleted once their
// latest upload is older than FILE_GC_GRACE_MS, and only then (files/FileCollector.ts). Root cause
// guarded: every image ever uploaded (dropped in and deleted, replaced, abandoned mid-upload) stayed
// in the store for good. The server's clock is the test's own, so that a day passes without waiting;
// each test holds a file that must go in the same collection, so that a collector doing nothing
// fails it.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { insertJSON } from '../../src/history/yjsJson.js';
import { fileKey } from '../../src/storage/keys.js';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { api, doc, httpBase, setParagraphs } from '../api.js';
import { cleanup, connect, startTestServer, tempDir, waitFor, type TestServer } from '../helpers.js';

const GRACE_MS = 60_000;
const HOUR = 3_600_000;
let clock = Date.UTC(2026, 10, 27, 9);
const env = { FILE_GC_GRACE_MS: String(GRACE_MS), FILE_GC_EVERY_MS: String(HOUR) };
let ts: TestServer;

before(async () => {
  // No automatic version while the tests run: only the document itself refers to its files.
  ts = await startTestServer({ ...env, VERSION_IDLE_MS: String(HOUR), VERSION_EVERY_MS: String(HOUR) }, tempDir(), {}, () => clock);
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

/** A PNG by its bytes (the server recognises images by their signature), different for each `seed`. */
const png = (seed: number) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed, ...Array.from({ length: 64 }, (_, i) => (i * seed) & 0xff)]);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function upload(name: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${httpBase(ts)}/api/${doc(name)}/files`, { method: 'POST', body: Buffer.from(bytes) });
  assert.equal(res.status, 201);
  return ((await res.json()) as { path: string }).path;
}

const status = async (path: string) => (await fetch(`${httpBase(ts)}${path}`)).status;
const sweep = () => ts.server.files.sweep();
const exported = async (name: string) => (await api(ts, 'GET', `${doc(name)}/export?format=json`)).text;

/** A y-websocket editor, gone after the test whatever happens (a failed test leaves no client reconnecting). */
const editors = new Set<ReturnType<typeof connect>>();
function openEditor(name: string): ReturnType<typeof connect> {
  const editor = connect(ts.url, name);
  editors.add(editor);
  return editor;
}
function leave(editor: ReturnType<typeof connect>): void {
  if (editors.delete(editor)) editor.destroy();
}
afterEach(() => {
  for (const editor of editors) leave(editor);
});

/** Puts an image node (as the editor's binding writes it) at the start of the body. */
function insertImage(ydoc: Y.Doc, src: string): void {
  insertJSON(ydoc.getXmlFragment('default'), 0, [{ type: 'image', attrs: { src, alt: null, title: null } }]);
}

test('an image the document shows survives; a file never put in it goes once the grace period is over, not before; its URL then answers 404', async () => {
  const name = 'gc/plain ä';
  const [shown, dropped] = [png(1), png(2)];
  const shownPath = await upload(name, shown);
  const droppedPath = await upload(name, dropped);
  const editor = openEditor(name);
  await editor.synced;
  insertImage(editor.doc, shownPath);
  setParagraphs(editor.doc, ['caption']);
  insertImage(editor.doc, shownPath);
  await waitFor(async () => (await exported(name)).includes(sha(shown)), { what: 'the image in the document' });

  clock += GRACE_MS - 1;
  await sweep();
  assert.equal(await status(droppedPath), 200, 'within the grace period');

  // The editor leaves after its change: the document is collected while still loaded.
  clock += 2;
  leave(editor);
  await waitFor(async () => (await status(droppedPath)) === 404, { what: 'the unreferenced file deleted when the editor left' });
  const res = await fetch(`${httpBase(ts)}${droppedPath}`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await res.json(), { error: 'not_found', reason: 'no such file' });
  assert.equal(await status(shownPath), 200);

  // Unloaded, then swept: the document is read again, and its image still found.
  await waitFor(() => ts.server.registry.get(name) === undefined, { what: 'the document unloaded' });
  clock += HOUR;
  await sweep();
  assert.equal(await status(shownPath), 200);
  assert.ok((await ts.metric('tandem_files_deleted_total')) >= 1);
});

test('a file only a kept version shows survives until that version is thinned away', async () => {
  const main = ts;
  ts = await startTestServer({ ...env, VERSION_IDLE_MS: '100', VERSION_EVERY_MS: '100000', VERSION_KEEP: '1h:all' }, tempDir(), {}, () => clock);
  try {
    await versionsKeepFiles();
  } finally {
    await ts.stop();
    cleanup(ts.dataDir);
    ts = main;
  }
});

async function versionsKeepFiles(): Promise<void> {
  const name = 'gc/versions';
  const [old, control] = [png(3), png(4)];
  const oldPath = await upload(name, old);
  const controlPath = await upload(name, control);
  const editor = openEditor(name);
  await editor.synced;
  const versions = async () => (await api(ts, 'GET', `${doc(name)}/versions`)).json.versions as unknown[];
  setParagraphs(editor.doc, ['with the picture']);
  insertImage(editor.doc, oldPath);
  await waitFor(async () => (await versions()).length === 1, { what: 'a version with the image' });
  setParagraphs(editor.doc, ['picture removed']);
  await waitFor(async () => (await versions()).length === 2, { what: 'a version without it' });
  assert.ok(!(await exported(name)).includes(sha(old)), 'the document no longer shows it');

  clock += GRACE_MS + 1; // both files are old enough; the version showing `old` is a minute old (kept: 1h:all)
  await sweep();
  assert.equal(await status(controlPath), 404, 'the file nothing refers to went in the same sweep');
  assert.equal(await status(oldPath), 200, 'a kept version still shows it');

  // Two hours on, the next version thins both older ones away (older than every VERSION_KEEP rule).
  clock += 2 * HOUR;
  setParagraphs(editor.doc, ['much later']);
  await waitFor(async () => (await versions()).length === 1, { what: 'the old versions thinned' });
  await waitFor(async () => (await status(oldPath)) === 404, { what: 'the file deleted after thinning' });
  leave(editor);
}

test('a fresh upload is kept through the grace period, and uploading an old file again starts it anew', async () => {
  const name = 'gc/fresh';
  const [again, control] = [png(5), png(6)];
  const againPath = await upload(name, again);
  const controlPath = await upload(name, control);
  clock += GRACE_MS + 1;
  const fresh = png(7);
  const freshPath = await upload(name, fresh);
  assert.equal(await upload(name, again), againPath); // the same bytes: the same path, a new upload time
  await sweep();
  assert.equal(await status(controlPath), 404, 'the old unreferenced file went in the same sweep');
  assert.equal(await status(freshPath), 200, 'uploaded a moment ago');
  assert.equal(await status(againPath), 200, 'uploaded again a moment ago');
  clock += GRACE_MS - 1;
  await sweep();
  assert.equal(await status(freshPath), 200);
  clock += 2;
  await sweep();
  assert.equal(await status(freshPath), 404);
  assert.equal(await status(againPath), 404);
});

test('a file stored before upload times were kept gets one grace period from the first sweep that sees it', async () => {
  const dataDir = tempDir();
  const bytes = png(8);
  const name = 'gc/legacy';
  // The store as the previous release wrote it: the file's bytes, no time.
  const store = new LevelKV(dataDir, { sync: false });
  await store.open();
  await store.putRaw((async function* () {
    yield [fileKey(name, sha(bytes)), Buffer.from(bytes)] as [Buffer, Buffer];
  })(), false);
  await store.close();
  const old = await startTestServer(env, dataDir, {}, () => clock);
  try {
    const path = `/files/${encodeURIComponent(name)}/${sha(bytes)}`;
    const get = async () => (await fetch(`http://127.0.0.1:${old.port}${path}`)).status;
    assert.equal(await get(), 200);
    await old.server.files.sweep();
    assert.equal(await get(), 200, 'first sighting: its grace period starts now');
    clock += GRACE_MS + 1;
    await old.server.files.sweep();
    assert.equal(await get(), 404);
  } finally {
    await old.stop();
    cleanup(dataDir);
  }
});
