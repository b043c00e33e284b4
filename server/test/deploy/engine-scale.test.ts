// Scale-out over Redis on a real engine: the compose `scale` profile as the guide runs it
// (deploy/scale.env), with y-websocket clients connected to each instance *directly* (the first
// on its published port, the second on its container address), not through the balancer, whose
// routing by path would hide a missing cross-instance path. Two clients of one document on
// different instances converge; a document written only through one instance is served
// completely by the other after the first one's container is killed (SIGKILL, no shutdown).
// Needs scale-out (DESIGN.md, "Contract — scale-out"): until it exists, this fails.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ComposeProject } from './support/composeProject.js';
import { containerIp, waitHealthy } from './support/containers.js';
import { engineOrReason, type Engine } from './support/engine.js';
import { ensureBaseImages, projectImage } from './support/images.js';
import { waitFor } from './support/poll.js';
import { repoRoot } from './support/repoRoot.js';
import { Clients } from './support/yclient.js';

const engine = await engineOrReason();
if (typeof engine === 'string') test('scale-out on a Docker engine', { skip: engine }, () => {});
else engineTests(engine);

function engineTests(engine: Engine): void {
  const clients = new Clients();
  let p: ComposeProject | undefined;
  /** ws:// URLs of the two instances, straight to each. */
  const direct: { tandem: string; tandem2: string } = { tandem: '', tandem2: '' };

  before(async () => {
    await ensureBaseImages(engine);
    const image = await projectImage(engine);
    p = await ComposeProject.create(engine, image.tag, 'cluster', { envFile: join(repoRoot, 'deploy/scale.env') });
    await p.up();
    for (const service of ['redis', 'tandem', 'tandem-2']) await waitHealthy(engine, await p.container(service), 120_000);
    direct.tandem = `ws://127.0.0.1:${p.tandemPort}`;
    direct.tandem2 = `ws://${await containerIp(engine, await p.container('tandem-2'))}:1234`;
  }, { timeout: 10 * 60_000 });

  after(async () => {
    clients.destroyAll();
    await p?.destroy();
  });

  test('two clients of one document on different instances converge', async () => {
    const doc = `cluster-${Date.now()}`;
    const a = clients.connect(direct.tandem, doc);
    const b = clients.connect(direct.tandem2, doc);
    await waitFor('both clients to sync with their instance', () => a.provider.synced && b.provider.synced, 20_000);
    a.write('from instance one');
    b.write('from instance two');
    for (const [who, c] of [['the client on tandem', a], ['the client on tandem-2', b]] as const) {
      await waitFor(`${who} to hold both edits (crossing instances through Redis)`, () => {
        const text = c.text();
        return text.includes('from instance one') && text.includes('from instance two');
      }, 20_000);
    }
    assert.equal(a.text(), b.text(), 'the same document on both instances');
  });

  test('a document written through one instance survives that instance being killed', async () => {
    const doc = `killed-${Date.now()}`;
    // Only tandem-2 ever has this document open before it dies.
    const writer = clients.connect(direct.tandem2, doc);
    const witness = clients.connect(direct.tandem2, doc);
    writer.write('acknowledged before the kill');
    // Seen by another client = in tandem-2's LevelDB batch and acknowledged by Redis (contract).
    await waitFor('a second client on tandem-2 to see the edit', () => witness.text().includes('acknowledged before the kill'), 20_000);
    clients.destroyAll();
    const victim = await p!.container('tandem-2');
    // Stays dead (its restart policy would bring it back): the other instance is on its own.
    await engine.must(['update', '--restart', 'no', victim]);
    await engine.must(['kill', victim]);
    assert.equal(await engine.must(['inspect', '-f', '{{.State.Running}}', victim]), 'false');

    const elsewhere = clients.connect(direct.tandem, doc);
    await waitFor('tandem to serve the killed instance\'s document in full', () =>
      elsewhere.text().includes('acknowledged before the kill'), 20_000);
    elsewhere.write('written after the kill');
    const again = clients.connect(direct.tandem, doc);
    await waitFor('the document to go on on the surviving instance', () => {
      const text = again.text();
      return text.includes('acknowledged before the kill') && text.includes('written after the kill');
    }, 20_000);
  });
}
