import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { connect, editorText, type RawSocket, rawSocket, roomText, type TestServer, waitFor, useTestServer } from '../helpers.js';

let ts: TestServer;
useTestServer((started) => (ts = started));

test('two y-websocket clients converge', async () => {
  const a = connect(ts.url, 'converge');
  const b = connect(ts.url, 'converge');
  await Promise.all([a.synced, b.synced]);
  a.text.insert(0, 'hello ');
  b.text.insert(0, 'world ');
  const body = a.doc.getXmlFragment('default');
  body.insert(body.length, [new Y.XmlElement('heading')]); // a new block after the paragraph
  await waitFor(() => a.text.toString() === b.text.toString() && a.text.length === 12, { what: 'convergence' });
  await waitFor(() => b.doc.getXmlFragment('default').toString() === body.toString(), { what: 'the blocks' });
  assert.equal(body.length, 2);
  a.destroy();
  b.destroy();
});

test('a late joiner gets the whole document in its first sync', async () => {
  const a = connect(ts.url, 'late');
  await a.synced;
  for (let i = 0; i < 200; i++) a.text.insert(a.text.length, `${i},`);
  const expected = a.text.toString();
  // The writer's updates are acknowledged by nothing in y-websocket: wait until the server holds them.
  await waitFor(() => roomText(ts, 'late') === expected, { what: 'server state' });
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
  editorText(doc).insert(0, 'typed offline');
  const c = connect(ts.url, 'offline-first', { doc });
  await c.synced;
  const other = connect(ts.url, 'offline-first');
  await waitFor(() => other.text.toString() === 'typed offline', { what: 'offline edit' });
  c.destroy();
  other.destroy();
});

test('updates of several senders in one burst reach every other peer, in order, and never their sender', async () => {
  const [a, b, c] = await Promise.all([rawSocket(ts.url, 'burst'), rawSocket(ts.url, 'burst'), rawSocket(ts.url, 'burst')]);
  const updatesOf = (clientID: number, n: number): Uint8Array[] => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    const out: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => out.push(u));
    for (let i = 0; i < n; i++) editorText(doc).insert(i, String.fromCharCode(97 + i));
    return out;
  };
  const fromA = updatesOf(1, 3);
  const fromB = updatesOf(2, 2);
  const message = (u: Uint8Array) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, u);
    return encoding.toUint8Array(e);
  };
  // Interleaved, written in one go: they land in the same tick and so in one store batch.
  a.send(message(fromA[0]!));
  b.send(message(fromB[0]!));
  a.send(message(fromA[1]!));
  b.send(message(fromB[1]!));
  a.send(message(fromA[2]!));
  const updatesReceived = (ws: RawSocket): Buffer[] =>
    ws.received.flatMap((m) => {
      const d = decoding.createDecoder(m);
      return decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 2 ? [Buffer.from(decoding.readVarUint8Array(d))] : [];
    });
  await waitFor(() => updatesReceived(c).length === 5, { what: 'all five updates at the third peer' });
  await new Promise((r) => setTimeout(r, 200)); // room for a stray echo to show
  const bytes = (us: Uint8Array[]) => us.map((u) => Buffer.from(u));
  assert.deepEqual(updatesReceived(a), bytes(fromB));
  assert.deepEqual(updatesReceived(b), bytes(fromA));
  const atC = updatesReceived(c);
  assert.deepEqual(atC.filter((u) => fromA.some((x) => Buffer.from(x).equals(u))), bytes(fromA));
  assert.deepEqual(atC.filter((u) => fromB.some((x) => Buffer.from(x).equals(u))), bytes(fromB));
  for (const ws of [a, b, c]) ws.close();
});
