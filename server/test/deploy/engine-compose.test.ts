// docker-compose.yml on a real engine, with Debian's docker-compose 1.29.2 (the oldest Compose we
// promise): the default `up -d` turns healthy, a document survives `down`/`up`, `down -v` leaves
// nothing behind; the `scale` profile with deploy/scale.env brings Redis (durable: append-only,
// fsync always, reachable from the instances), two Tandem instances and nginx up healthy.
// Where no engine can run, one skipped test says why; compose.test.ts checks the file without one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ComposeProject } from './support/composeProject.js';
import { waitHealthy } from './support/containers.js';
import { engineOrReason, type Engine } from './support/engine.js';
import { ensureBaseImages, projectImage, type ProjectImage } from './support/images.js';
import { waitFor } from './support/poll.js';
import { repoRoot } from './support/repoRoot.js';
import { Clients } from './support/yclient.js';

const engine = await engineOrReason();
if (typeof engine === 'string') test('docker-compose.yml on a Docker engine', { skip: engine }, () => {});
else engineTests(engine);

function engineTests(engine: Engine): void {
  const clients = new Clients();
  const projects: ComposeProject[] = [];
  let image: ProjectImage;

  before(async () => {
    await ensureBaseImages(engine);
    image = await projectImage(engine);
  }, { timeout: 10 * 60_000 });

  after(async () => {
    clients.destroyAll();
    for (const p of projects) await p.destroy();
  });

  async function project(label: string, opts: { envFile?: string } = {}): Promise<ComposeProject> {
    const p = await ComposeProject.create(engine, image.tag, label, opts);
    projects.push(p);
    return p;
  }

  test('default: up -d turns healthy, a document survives down/up, down -v removes everything', async (t) => {
    const p = await project('default');
    const t0 = Date.now();
    await p.up();
    await waitHealthy(engine, await p.container('tandem'), 90_000);
    t.diagnostic(`docker-compose up -d → healthy: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const services = (await p.must(['ps', '--services', '--filter', 'status=running'])).split('\n').sort();
    assert.deepEqual(services, ['tandem'], 'a plain `up` starts the server only');

    const url = `ws://127.0.0.1:${p.tandemPort}`;
    const doc = `compose-${Date.now()}`;
    const writer = clients.connect(url, doc);
    const reader = clients.connect(url, doc);
    writer.write('kept across down and up');
    await waitFor('the edit to reach a second client', () => reader.text().includes('kept across down and up'), 20_000);
    clients.destroyAll();

    await p.must(['down']);
    assert.deepEqual((await p.leftovers()).filter((l) => !l.startsWith('volume')), [], '`down` removes containers and network');
    assert.equal((await engine.docker(['volume', 'inspect', p.volume('data')])).code, 0, '`down` keeps the data volume');

    await p.up();
    await waitHealthy(engine, await p.container('tandem'), 90_000);
    const again = clients.connect(url, doc);
    await waitFor('the document after down/up', () => again.text().includes('kept across down and up'), 20_000);
    clients.destroyAll();

    await p.must(['down', '-v']);
    assert.deepEqual(await p.leftovers(), [], '`down -v` leaves no container, network or volume');
  });

  test('profile scale (deploy/scale.env): Redis, two instances and nginx come up healthy', async (t) => {
    const p = await project('scale', { envFile: join(repoRoot, 'deploy/scale.env') });
    const t0 = Date.now();
    await p.up();
    for (const service of ['redis', 'tandem', 'tandem-2']) await waitHealthy(engine, await p.container(service), 120_000);
    const lb = await p.container('lb');
    await waitFor('nginx to answer /healthz for an instance', async () => {
      const state = await engine.must(['inspect', '-f', '{{.State.Status}}', lb]);
      if (state !== 'running') throw new Error(`lb is ${state}: ${(await engine.docker(['logs', '--tail', '20', lb])).stderr}`);
      return (await fetch(`http://127.0.0.1:${p.lbPort}/healthz`)).status === 200;
    }, 60_000, 250);
    t.diagnostic(`docker-compose --env-file deploy/scale.env up -d → all healthy: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const running = (await p.must(['ps', '--services', '--filter', 'status=running'])).split('\n').sort();
    assert.deepEqual(running, ['lb', 'redis', 'tandem', 'tandem-2']);

    // The app through the balancer, not Debian's default nginx page.
    const page = await (await fetch(`http://127.0.0.1:${p.lbPort}/d/through-nginx`)).text();
    assert.match(page, /<html/i);
    assert.doesNotMatch(page, /Welcome to nginx/i, 'the default site answered instead of tandem-lb.conf');

    // Redis as the scale-out contract needs it: durable, and reachable from the instances.
    const redis = await p.container('redis');
    const config = await engine.must(['exec', redis, 'redis-cli', 'CONFIG', 'GET', 'append*']);
    assert.match(config, /appendonly\s+yes/);
    assert.match(config, /appendfsync\s+always/);
    for (const service of ['tandem', 'tandem-2']) {
      const c = await p.container(service);
      const envs = await engine.must(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', c]);
      assert.match(envs, /^REDIS_URL=redis:\/\/redis:6379$/m, `${service}: REDIS_URL`);
      assert.match(envs, /^TRUST_PROXY=1$/m, `${service}: TRUST_PROXY`);
      // A TCP connection from the instance's container: Redis accepts clients that are not loopback.
      const ping = await engine.must(['exec', c, 'node', '-e', [
        "const s=require('net').connect(6379,'redis',()=>s.write('PING\\r\\n'));",
        "s.on('data',d=>{process.stdout.write(String(d));s.end()});s.on('error',e=>{console.error(e.message);process.exit(1)})",
      ].join('')]);
      assert.match(ping, /^\+PONG/, `${service} → redis: ${ping}`);
    }
    await p.must(['--profile', 'scale', 'down', '-v', '-t', '5']);
    assert.deepEqual(await p.leftovers(), [], '`down -v` leaves nothing of the scale profile');
  });
}
