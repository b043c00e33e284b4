import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { cleanup, connect, startTestServer, waitFor, type TestServer } from '../helpers.js';

let ts: TestServer;
before(async () => {
  ts = await startTestServer();
});
after(async () => {
  await ts.stop();
  cleanup(ts.dataDir);
});

test('two y-websocket clients converge', async () => {
  const a = connect(ts.url, 'converge');
  const b = connect(ts.url, 'converge');
  await Promise.all([a.synced, b.synced]);
  a.text.insert(0, 'hello ');
  b.text.insert(0, 'world ');
  a.doc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')]);
  await waitFor(() => a.text.toString() === b.text.toString() && a.text.length === 12, { what: 'convergence' });
  await waitFor(() => b.doc.getXmlFragment('default').length === 1, { what: 'the fragment' });
  a.destroy();
  b.destroy();
});

test('a late joiner gets the whole document in its first sync', async () => {
  const a = connect(ts.url, 'late');
  await a.synced;
  for (let i = 0; i < 200; i++) a.text.insert(a.text.length, `${i},`);
  const expected = a.text.toString();
  // The writer's updates are acknowledged by nothing in y-websocket: wait until the server holds them.
  await waitFor(() => ts.server.registry.get('late')?.doc.getText('t').toString() === expected, { what: 'server state' });
  const late = connect(ts.url, 'late');
  let atSync = '';
  late.provider.once('sync', () => (atSync = late.text.toString()));
  await late.synced;
  await waitFor(() => atSync !== '', { what: 'first sync' });
  assert.equal(atSync, expected);
  a.destroy();
  late.destroy();
});

test('rooms are isolated, also for names with / and other characters', async () => {
  const names = ['team/a', 'team/a/b', 'team', 'team%2Fa', 'ünï cødé ✓', 'a?b'];
  const clients = names.map((n) => connect(ts.url, encodeURIComponent(n)));
  await Promise.all(clients.map((c) => c.synced));
  clients.forEach((c, i) => c.text.insert(0, `doc ${i}`));
  const readers = names.map((n) => connect(ts.url, encodeURIComponent(n)));
  await Promise.all(readers.map((c) => c.synced));
  for (const [i, r] of readers.entries()) {
    await waitFor(() => r.text.toString() === `doc ${i}`, { what: `room ${names[i]}` });
  }
  // a plain name with / works unencoded, as y-websocket users write it
  const plain = connect(ts.url, 'team/a');
  await plain.synced;
  await waitFor(() => plain.text.toString() === 'doc 0', { what: 'unencoded team/a' });
  assert.ok(ts.server.registry.get('team/a/b'));
  [...clients, ...readers, plain].forEach((c) => c.destroy());
});

test('offline edits of a client are pulled in by the server on connect', async () => {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'typed offline');
  const c = connect(ts.url, 'offline-first', { doc });
  await c.synced;
  const other = connect(ts.url, 'offline-first');
  await waitFor(() => other.text.toString() === 'typed offline', { what: 'offline edit' });
  c.destroy();
  other.destroy();
});
