// A compacted document is served from its stored snapshot before the server decodes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, closeCode, connect, rawSocket, roomText, startTestServer, tempDir, waitFor, type Client, type TestServer } from '../helpers.js';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { UpdateLog } from '../../src/storage/kinds/updates.js';
import { api, blocks, doc, setParagraphs } from '../api.js';

test('a cold compacted document: whole first sync for a fresh peer, offline edits of a returning one pulled in', async () => {
  let ts = await startTestServer();
  const a = connect(ts.url, 'snap');
  const b = connect(ts.url, 'snap');
  await Promise.all([a.synced, b.synced]);
  const words = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
  a.doc.transact(() => a.text.insert(0, words)); // one update: the stored document is one snapshot
  await waitFor(() => b.text.toString() === words, { what: 'b has the text' });
  assert.equal(ts.server.registry.get('snap')?.storedUpdates, 1);
  a.destroy();
  b.provider.disconnect();
  ts = await ts.restart();

  // b comes back first, with an edit made while the server was down; then a fresh peer.
  b.text.insert(0, 'offline ');
  b.provider.connect();
  const c = connect(ts.url, 'snap');
  await c.synced;
  assert.ok(c.text.toString().endsWith(words), 'the first sync holds the whole stored document');
  await waitFor(() => c.text.toString() === `offline ${words}` && b.text.toString() === c.text.toString(), { what: "b's offline edit at c" });
  await waitFor(() => roomText(ts, 'snap') === c.text.toString(), { what: 'the server to hold it' });
  b.destroy();
  c.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});

test('a stored snapshot that does not decode closes its peers with 1011; other documents go on', async () => {
  const dataDir = tempDir();
  const kv = new LevelKV(dataDir, { sync: false });
  await kv.open();
  await new UpdateLog(kv).append('bad', 0, new Uint8Array([1, 2, 3, 255, 255, 255]));
  await kv.close();
  const ts = await startTestServer({}, dataDir);
  const raw = await rawSocket(ts.url, 'bad');
  assert.equal((await closeCode(raw)).code, 1011);
  const good = connect(ts.url, 'good');
  await good.synced;
  good.text.insert(0, 'fine');
  const again = await rawSocket(ts.url, 'bad');
  assert.equal((await closeCode(again)).code, 1011);
  good.destroy();
  await ts.stop();
  cleanup(dataDir);
});

test('a document closed with several stored updates is left as one snapshot (unload and stop)', async () => {
  let ts = await startTestServer();
  for (const name of ['unloaded', 'stopped']) {
    const a = connect(ts.url, name);
    await a.synced;
    for (let i = 0; i < 20; i++) a.text.insert(0, String(i % 10));
    await waitFor(() => ts.server.registry.get(name)?.storedUpdates === 20, { what: `${name}: 20 stored updates` });
    if (name === 'unloaded') {
      a.destroy();
      await waitFor(() => ts.server.registry.get(name) === undefined, { what: 'the unload' });
      const b = connect(ts.url, name);
      await b.synced;
      assert.equal(ts.server.registry.get(name)?.storedUpdates, 1, 'merged when it unloaded');
      assert.equal(b.text.length, 20);
      b.destroy();
    } else {
      a.destroy();
    }
  }
  ts = await ts.restart();
  const c = connect(ts.url, 'stopped');
  await c.synced;
  assert.equal(ts.server.registry.get('stopped')?.storedUpdates, 1, 'merged when the server stopped');
  assert.equal(c.text.length, 20);
  c.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});

/** A client that wrote `lines` into `name` as one update, once the server has stored it. */
async function writeOneUpdate(ts: TestServer, name: string, lines: string[]): Promise<Client> {
  const client = connect(ts.url, name);
  await client.synced;
  setParagraphs(client.doc, lines);
  await waitFor(() => ts.server.registry.get(name)?.storedUpdates === 1, { what: `${name}: one stored update` });
  return client;
}

test('fresh joiners share the kept whole-document answer only until the document changes, whatever changed it', async () => {
  let ts = await startTestServer();
  (await writeOneUpdate(ts, 'kept', ['first'])).destroy();
  ts = await ts.restart(); // cold and compacted: the stored snapshot is the first answer

  const holder = connect(ts.url, 'kept');
  await holder.synced;
  const fresh = async (): Promise<string> => {
    const c = connect(ts.url, 'kept');
    await c.synced; // the first sync, nothing after it
    const text = blocks(c.doc).join('|');
    c.destroy();
    return text;
  };
  assert.equal(await fresh(), 'first');
  setParagraphs(holder.doc, ['first', 'second']);
  const room = ts.server.registry.get('kept')!;
  await waitFor(() => blocks(room.doc).join('|') === 'first|second', { what: 'the server to apply the edit' });
  assert.equal(await fresh(), 'first|second', 'an edit of a peer');
  const put = await api(ts, 'PUT', `${doc('kept')}/import?mode=append`, { type: 'text/markdown', body: 'third\n' });
  assert.equal(put.status, 200, put.text);
  assert.equal(await fresh(), 'first|second|third', 'an import through the API');
  holder.destroy();
  await ts.stop();
  cleanup(ts.dataDir);
});

test('a peer that comes back with offline edits and leaves as soon as it is synced loses none of them (cold document)', async () => {
  let ts = await startTestServer();
  const a = await writeOneUpdate(ts, 'leave-when-synced', ['stored']);
  a.provider.disconnect();
  ts = await ts.restart(); // cold and compacted: answered from the stored bytes first
  setParagraphs(a.doc, ['stored', 'typed offline']);
  a.provider.connect();
  await new Promise<void>((resolve) => {
    const onSync = (synced: boolean) => {
      if (!synced) return;
      a.provider.off('sync', onSync);
      a.destroy(); // the tab closes the moment y-websocket says it is synced
      resolve();
    };
    a.provider.on('sync', onSync);
  });
  await waitFor(() => {
    const room = ts.server.registry.get('leave-when-synced');
    return room !== undefined && blocks(room.doc).join('|') === 'stored|typed offline';
  }, { what: 'the offline edit at the server' });
  await ts.stop();
  cleanup(ts.dataDir);
});
