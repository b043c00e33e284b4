// The project's image on a real Docker engine (root starts one when none answers; base images come
// from deploy/airgap/ when no registry is reachable): it runs as a non-root user, answers /healthz,
// its HEALTHCHECK turns healthy, a document written over y-websocket survives `docker stop`/`start`
// and a new container on the same volume, and SIGTERM ends it with exit 0 within the stop timeout.
// Where no engine can run, one skipped test says why; dockerfile.test.ts checks what it can without.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { containerIp, mainRss, publishedPort, Scope, waitHealthy } from './support/containers.js';
import { engineOrReason, type Engine } from './support/engine.js';
import { ensureBaseImages, projectImage, type ProjectImage } from './support/images.js';
import { waitFor } from './support/poll.js';
import { Clients } from './support/yclient.js';
import WebSocket from 'ws';

const engine = await engineOrReason();

if (typeof engine === 'string') test('the image on a Docker engine', { skip: engine }, () => {});
else engineTests(engine);

function engineTests(engine: Engine): void {
  const scope = new Scope(engine, 'img');
  const clients = new Clients();
  let image: ProjectImage;

  before(async () => {
    await ensureBaseImages(engine);
    image = await projectImage(engine);
    const size = Number(await engine.must(['image', 'inspect', '-f', '{{.Size}}', image.tag]));
    const built = image.buildMs === undefined ? 'built by another file of this run' : `built in ${(image.buildMs / 1000).toFixed(1)} s`;
    process.stdout.write(`# image ${image.tag}: ${(size / 1e6).toFixed(0)} MB, ${built}\n`);
  }, { timeout: 10 * 60_000 });

  after(async () => {
    clients.destroyAll();
    await scope.removeAll();
  });

  /** Runs the image detached with a short health interval (the image keeps its own 30 s). */
  async function start(volume: string, extra: string[] = []): Promise<{ name: string; url: string }> {
    const name = scope.container(scope.name('server'));
    await engine.must(['run', '-d', '--name', name, '-p', '127.0.0.1::1234', '-v', `${volume}:/data`,
      '--health-interval', '1s', '-e', 'LOG_LEVEL=warn', ...extra, image.tag]);
    const port = await publishedPort(engine, name, 1234);
    return { name, url: `127.0.0.1:${port}` };
  }

  test('runs as the non-root node user, answers /healthz, and its HEALTHCHECK turns healthy', async (t) => {
    const volume = scope.volume(scope.name('data'));
    const { name, url } = await start(volume);
    const ms = await waitHealthy(engine, name, 60_000);
    t.diagnostic(`healthy ${ms} ms after docker run`);
    assert.equal(await engine.must(['inspect', '-f', '{{.Config.User}}', name]), 'node');
    const status = await engine.must(['exec', name, 'cat', '/proc/1/status']);
    assert.match(status, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, 'the server process (pid 1) runs as uid 1000');
    assert.match(await engine.must(['exec', name, 'stat', '-c', '%u:%g', '/data']), /^1000:1000$/, 'the volume belongs to it');
    const res = await fetch(`http://${url}/healthz`);
    assert.equal(res.status, 200);
    const page = await fetch(`http://${url}/d/engine-page`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i, 'the built client is served');
    // Reachable on the container's own address too: HOST=0.0.0.0 from the image.
    assert.equal((await fetch(`http://${await containerIp(engine, name)}:1234/healthz`)).status, 200);
    t.diagnostic(`RSS idle: ${((await mainRss(engine, name)) / 1e6).toFixed(1)} MB`);
  });

  test('a document survives docker stop/start and a new container on the same volume; SIGTERM exits 0 in time', async () => {
    const volume = scope.volume(scope.name('data'));
    const first = await start(volume);
    await waitHealthy(engine, first.name);
    const doc = `engine-${Date.now()}`;
    const writer = clients.connect(`ws://${first.url}`, doc);
    const reader = clients.connect(`ws://${first.url}`, doc);
    await waitFor('both clients to sync', () => writer.provider.synced && reader.provider.synced, 15_000);
    writer.write('written before docker stop');
    // What another client has seen is on disk (the server persists before it fans out).
    await waitFor('the second client to see the edit', () => reader.text().includes('written before docker stop'), 15_000);
    clients.destroyAll();

    const STOP_TIMEOUT_S = 10;
    const t0 = Date.now();
    await engine.must(['stop', '-t', String(STOP_TIMEOUT_S), first.name], 60_000);
    const stopMs = Date.now() - t0;
    const exit = await engine.must(['inspect', '-f', '{{.State.ExitCode}} {{.State.OOMKilled}}', first.name]);
    assert.equal(exit, '0 false', `exit code after SIGTERM (137 would mean SIGKILL after ${STOP_TIMEOUT_S} s)`);
    assert.ok(stopMs < STOP_TIMEOUT_S * 1000, `docker stop took ${stopMs} ms`);

    await engine.must(['start', first.name]);
    await waitHealthy(engine, first.name);
    const port = await publishedPort(engine, first.name, 1234);
    const again = clients.connect(`ws://127.0.0.1:${port}`, doc);
    await waitFor('the document after docker start', () => again.text().includes('written before docker stop'), 15_000);
    again.write('written after docker start');
    const check = clients.connect(`ws://127.0.0.1:${port}`, doc);
    await waitFor('the second edit to reach another client', () => check.text().includes('written after docker start'), 15_000);
    clients.destroyAll();
    await engine.must(['stop', first.name], 60_000);
    await engine.must(['rm', first.name]);

    const second = await start(volume);
    await waitHealthy(engine, second.name);
    const fresh = clients.connect(`ws://${second.url}`, doc);
    await waitFor('both edits in a new container on the same volume', () => {
      const text = fresh.text();
      return text.includes('written before docker stop') && text.includes('written after docker start');
    }, 15_000);
  });

  test('holds 1,000 connections (the default MAX_CONNECTIONS_PER_IP) and stays healthy', async (t) => {
    const volume = scope.volume(scope.name('data'));
    const { name } = await start(volume);
    await waitHealthy(engine, name);
    const idle = await mainRss(engine, name);
    // Straight to the container's address: no docker-proxy in between, one client IP.
    const base = `ws://${await containerIp(engine, name)}:1234`;
    const sockets: WebSocket[] = [];
    try {
      let greeted = 0;
      const refused: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const ws = new WebSocket(`${base}/load-${i % 10}`);
        // The server greets every connection with its sync step 1.
        ws.once('message', () => greeted++);
        ws.on('error', (err) => refused.push(err.message));
        sockets.push(ws);
      }
      await waitFor('1,000 connections greeted by the server', () => {
        if (refused.length > 0) throw new Error(`${refused.length} refused, e.g. ${refused[0]}`);
        return greeted === 1000;
      }, 60_000, 100);
      const loaded = await mainRss(engine, name);
      t.diagnostic(`RSS idle ${(idle / 1e6).toFixed(1)} MB, with 1,000 connections ${(loaded / 1e6).toFixed(1)} MB`);
      assert.equal(await engine.must(['inspect', '-f', '{{.State.Running}}', name]), 'true');
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
}
