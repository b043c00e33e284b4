// A server going away (SIGTERM) closes its peers with 1001 but still stores the edits they sent
// before the close reached them: a person who types as the server restarts and then closes the
// tab loses nothing (a y-websocket client sends an edit whenever its socket is open, and forgets
// it once sent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as Y from 'yjs';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { encodeUpdate } from '../../src/protocol/messages.js';
import { startServer } from '../../src/server.js';
import type { KeyRange } from '../../src/storage/kv/KV.js';
import { updateRange } from '../../src/storage/keys.js';
import { MemoryKV } from '../../src/storage/kv/MemoryKV.js';
import { rawSocketOf } from '../../src/transport/WsSocket.js';
import { cleanup, closeCode, connect, rawSocket, repoRoot, startTestServer, tempDir, upgradeStatus } from '../helpers.js';

/** An update that writes `text` into the document's text `t`, from a fresh client. */
function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

test('an edit in flight when the server sends 1001 is stored; a peer that never answers the close does not hold up the stop', async () => {
  const ts = await startTestServer();
  const writer = await rawSocket(ts.url, 'drain');
  // A peer that stops reading: it never sees the 1001, so it never answers it.
  const deaf = await rawSocket(ts.url, 'drain');
  await new Promise((r) => setTimeout(r, 50)); // both joined (the greeting went out)
  rawSocketOf(deaf)!.pause();
  const writerClosed = closeCode(writer);

  const stopping = ts.stop(); // sends the 1001 close to every peer before it returns
  // Sent after the close went out, read by the server after it: the edit of a person typing
  // at the moment the server goes away.
  writer.send(encodeUpdate(textUpdate('typed as the server went away')));
  const started = Date.now();
  await stopping;
  const stopMs = Date.now() - started;
  assert.equal((await writerClosed).code, 1001);
  assert.ok(stopMs < 10_000, `stop took ${stopMs} ms with a peer that never answers`);

  const again = await startTestServer({}, ts.dataDir);
  const reader = connect(again.url, 'drain');
  await reader.synced;
  assert.equal(reader.doc.getText('t').toString(), 'typed as the server went away');
  reader.destroy();
  deaf.terminate();
  await again.stop();
  cleanup(ts.dataDir);
});

test('a join whose document was still loading when the server began to stop is refused with 503, not opened into a closing room', async () => {
  /**
   * A store whose reads of the document's updates (a room's load reads them first) wait until the
   * test lets them finish; other reads (the search index, rebuilt at start) go on.
   */
  class GatedStore extends MemoryKV {
    private arrived!: () => void;
    readonly loadStarted = new Promise<void>((resolve) => (this.arrived = resolve));
    finishLoads!: () => void;
    private readonly gate = new Promise<void>((resolve) => (this.finishLoads = resolve));
    override async keys(range: KeyRange) {
      if (range.gte.equals(updateRange('late-join').gte)) {
        this.arrived();
        await this.gate;
      }
      return super.keys(range);
    }
  }
  const store = new GatedStore();
  const dataDir = tempDir();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir }, repoRoot, join(repoRoot, 'client', 'dist'));
  const server = await startServer(config, silentLogger(), store);
  const status = upgradeStatus(`ws://127.0.0.1:${server.port}`, '/late-join');
  await store.loadStarted;
  const stopping = server.stop();
  store.finishLoads();
  assert.equal(await status, 503);
  await stopping;
  cleanup(dataDir);
});
