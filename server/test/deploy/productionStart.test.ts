// The image's start path without an engine: the Dockerfile's CMD, run from the built output with
// the image's environment (NODE_ENV=production…), must serve the app and a real y-websocket
// client, stop cleanly on SIGTERM (what `docker stop` sends) and find its data after a restart.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { requireBuilt, startImageCmd, type StartedServer } from './support/imageCmd.js';
import { waitFor } from './support/poll.js';
import { repoRoot } from './support/repoRoot.js';

const DOC = 'deploy-smoke';
const TEXT = 'written through the production start path';

let dataDir = '';
const providers: WebsocketProvider[] = [];
const servers: StartedServer[] = [];

before(async () => {
  requireBuilt();
  dataDir = await mkdtemp(join(tmpdir(), 'tandem-deploy-'));
});

after(async () => {
  // The provider's Awareness runs an interval until its Y.Doc is destroyed.
  for (const p of providers) {
    p.destroy();
    p.doc.destroy();
  }
  for (const s of servers) await s.stop('SIGKILL', 2_000);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function start(): Promise<StartedServer> {
  return startImageCmd({ NODE_ENV: 'production', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }).then((s) => {
    servers.push(s);
    return s;
  });
}

function connect(server: StartedServer): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}`, DOC, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Two providers of one document in one process would otherwise sync over BroadcastChannel
    // and never need the server.
    disableBc: true,
  });
  providers.push(provider);
  return { doc, provider };
}

function bodyText(doc: Y.Doc): string {
  return doc.getXmlFragment('default').toString();
}

test('the image CMD serves the app and syncs, stops on SIGTERM with exit 0, keeps data across restarts', async (t) => {
  const server = await start();

  await t.test('GET /healthz → 200', async () => {
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.status, 200);
  });

  await t.test('GET /d/<name> serves the built app, and its assets', async () => {
    const built = await readFile(join(repoRoot, 'client/dist/index.html'), 'utf8');
    const res = await fetch(`${server.url}/d/${encodeURIComponent(DOC)}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    // The hashed bundle that Vite wrote proves this is client/dist, not a placeholder page.
    const script = /<script[^>]*\bsrc="([^"]+)"/.exec(built)?.[1];
    assert.ok(script, 'client/dist/index.html has no <script src>');
    assert.ok(html.includes(script), `/d/${DOC} does not reference ${script}:\n${html.slice(0, 500)}`);
    const asset = await fetch(new URL(script, `${server.url}/d/${DOC}`));
    assert.equal(asset.status, 200, `GET ${script}`);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    await asset.arrayBuffer();
  });

  const a = connect(server);
  const b = connect(server);
  await t.test('a y-websocket client writes; another one receives it through the server', async () => {
    await waitFor('client A synced', () => a.provider.synced, 10_000);
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(TEXT)]);
    a.doc.getXmlFragment('default').insert(0, [paragraph]);
    await waitFor('client B to receive the paragraph', () => bodyText(b.doc).includes(TEXT), 10_000);
  });

  await t.test('SIGTERM: sockets closed with 1001, exit 0 within 10 s', async () => {
    const closeCodes: number[] = [];
    a.provider.on('connection-close', (event) => {
      if (event) closeCodes.push(event.code);
    });
    const { code, ms, killed } = await server.stop('SIGTERM', 10_000);
    assert.equal(killed, false, `still running 10 s after SIGTERM:\n${server.output()}`);
    assert.equal(code, 0, `exit ${code} after SIGTERM (${ms} ms):\n${server.output()}`);
    await waitFor('the client to see its socket close', () => closeCodes.length > 0, 5_000);
    assert.equal(closeCodes[0], 1001, 'close code seen by a connected client');
    for (const c of [a, b]) {
      c.provider.destroy();
      c.doc.destroy();
    }
  });

  await t.test('restart on the same DATA_DIR: the document is still there', async () => {
    const again = await start();
    const c = connect(again);
    await waitFor('client C synced', () => c.provider.synced, 10_000);
    assert.ok(bodyText(c.doc).includes(TEXT), `after restart the document is ${JSON.stringify(bodyText(c.doc))}`);
    c.provider.destroy();
    c.doc.destroy();
    const { code, killed } = await again.stop('SIGTERM', 10_000);
    assert.equal(killed, false);
    assert.equal(code, 0, again.output());
  });
});
