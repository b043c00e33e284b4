// `tandem backup` (served from one LevelDB snapshot while the server runs) → wipe →
// `tandem restore-backup` gives back every document and version byte for byte; a non-empty
// store is refused without --force.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readBackup } from '../../src/storage/backup.js';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { api, doc, setParagraphs } from '../api.js';
import { cleanup, connect, serverRoot, startTestServer, tempDir, waitFor } from '../helpers.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', join(serverRoot, 'src', 'cli', 'tandem.ts'), ...args], { cwd: serverRoot });
const dirs: string[] = [];
after(() => dirs.forEach(cleanup));

async function entries(source: AsyncIterable<[Buffer, Buffer]>): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of source) out.push(`${k.toString('hex')}=${v.toString('hex')}`);
  return out;
}

test('backup → wipe → restore-backup round-trips every document and version', async () => {
  const work = tempDir();
  dirs.push(work);
  let ts = await startTestServer({ COMPACT_AFTER_UPDATES: '4' });
  dirs.push(ts.dataDir);
  const names = ['b/one', 'b/two', 'b/ünï cödé'];
  for (const [i, name] of names.entries()) {
    const peer = connect(ts.url, name);
    await peer.synced;
    for (let n = 0; n < 3 + i * 4; n++) setParagraphs(peer.doc, [`${name} edit ${n}`]);
    await waitFor(async () => (await api(ts, 'GET', `${doc(name)}/export?format=txt`)).text === `${name} edit ${2 + i * 4}\n`);
    assert.equal((await api(ts, 'POST', `${doc(name)}/versions`, { type: 'application/json', body: '{"name":"saved"}' })).status, 201);
    peer.destroy();
  }
  const before = await Promise.all(names.map(async (n) => [(await api(ts, 'GET', `${doc(n)}/export?format=yjs`)).bytes, (await api(ts, 'GET', `${doc(n)}/versions`)).json]));

  const file = join(work, 'store.backup');
  const { stdout } = await cli('backup', file, '--url', `http://127.0.0.1:${ts.port}`);
  assert.match(stdout, /backed up \d+ entries/);
  const backedUp = await entries(readBackup(createReadStream(file)));
  assert.ok(backedUp.length > names.length * 3);

  await ts.stop();
  await assert.rejects(cli('restore-backup', file, '--data-dir', ts.dataDir), /not empty: add --force/);
  rmSync(ts.dataDir, { recursive: true, force: true });
  await cli('restore-backup', file, '--data-dir', ts.dataDir);

  const store = new LevelKV(ts.dataDir, { sync: false });
  await store.open();
  assert.deepEqual(await entries(store.snapshot()), backedUp, 'the store holds exactly the backup, byte for byte');
  await store.close();

  ts = await startTestServer({}, ts.dataDir);
  const afterRestore = await Promise.all(names.map(async (n) => [(await api(ts, 'GET', `${doc(n)}/export?format=yjs`)).bytes, (await api(ts, 'GET', `${doc(n)}/versions`)).json]));
  assert.deepEqual(afterRestore, before);
  await ts.stop();
});
