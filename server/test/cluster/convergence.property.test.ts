// Property: 20 documents, one client per document on each of 3 instances, random edits
// (new paragraphs, typing into one, deleting one) interleaved with instances killed with
// SIGKILL and restarted later (their clients edit offline meanwhile and reconnect on their
// own). Afterwards every document converges on all three clients, and a fresh client on any
// instance gets exactly that in its first sync. Guards the whole scale-out path at once:
// delivery, catch-up after a crash, offline edits flowing back, no echo loops.
// The seed is printed; replay with CLUSTER_SEED=<seed> (CLUSTER_RUNS sets the number of runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as Y from 'yjs';
import { connect, type Client } from '../helpers.js';
import { body, content, destroyAll, freshClient, waitConverged } from './support/docs.js';
import { clusterFixture } from './support/instances.js';

const DOCS = 20;
const INSTANCES = 3;

type Step =
  | { op: 'paragraph'; doc: number; inst: number; at: number }
  | { op: 'type'; doc: number; inst: number; at: number; text: string }
  | { op: 'delete'; doc: number; inst: number; at: number }
  | { op: 'kill'; inst: number }
  | { op: 'start'; inst: number }
  | { op: 'pause' };

const doc = fc.nat(DOCS - 1);
const inst = fc.nat(INSTANCES - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('paragraph' as const), doc, inst, at: fc.nat(30) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('type' as const), doc, inst, at: fc.nat(30), text: fc.string({ minLength: 1, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), doc, inst, at: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('kill' as const), inst }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('start' as const), inst }) },
  { weight: 2, arbitrary: fc.constant({ op: 'pause' as const }) },
);

const cluster = clusterFixture(INSTANCES);

function apply(c: Client, s: Step & { doc: number }, marker: string): void {
  const frag = body(c.doc);
  switch (s.op) {
    case 'paragraph': {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(marker)]);
      frag.insert(s.at % (frag.length + 1), [p]);
      break;
    }
    case 'type': {
      if (frag.length === 0) return;
      const text = (frag.get(s.at % frag.length) as Y.XmlElement).get(0) as Y.XmlText;
      text.insert(s.at % (text.length + 1), s.text);
      break;
    }
    case 'delete':
      if (frag.length > 0) frag.delete(s.at % frag.length, 1);
      break;
  }
}

test('20 documents × 3 instances × random edits and SIGKILL restarts converge', { timeout: 170_000 }, async () => {
  const seed = Number(process.env.CLUSTER_SEED ?? Date.now() % 2 ** 31);
  const numRuns = Number(process.env.CLUSTER_RUNS ?? 6);
  console.log(`cluster property: seed ${seed}, ${numRuns} runs (replay: CLUSTER_SEED=${seed} npm test -w server -- cluster/convergence.property)`);
  let run = 0;
  let markers = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 60 }), async (steps) => {
      run++;
      const names = Array.from({ length: DOCS }, (_, d) => `prop-${seed}-${run}-${d}`);
      // clients[d][i]: the client of document d on instance i
      const clients = names.map((name) => cluster.instances.map((i) => connect(i.url, name)));
      const fresh: Client[] = [];
      try {
        await Promise.all(clients.flat().map((c) => c.synced));
        for (const s of steps) {
          switch (s.op) {
            case 'paragraph':
            case 'type':
            case 'delete':
              apply(clients[s.doc]![s.inst]!, s, `m${markers++}`);
              break;
            case 'kill':
              if (cluster.instances[s.inst]!.running) await cluster.instances[s.inst]!.kill();
              break;
            case 'start':
              if (!cluster.instances[s.inst]!.running) await cluster.instances[s.inst]!.start();
              break;
            case 'pause':
              await new Promise((r) => setTimeout(r, 20));
              break;
          }
        }
        for (const i of cluster.instances) if (!i.running) await i.start();
        for (const [d, perDoc] of clients.entries()) {
          await waitConverged(perDoc, [], { timeoutMs: 20_000, what: `document ${d}'s clients on A, B and C` });
        }
        for (const [d, name] of names.entries()) {
          const where = cluster.instances[(d + run) % INSTANCES]!;
          const f = freshClient(where.url, name);
          fresh.push(f);
          await f.atFirstSync;
          assert.equal(content(f.doc), content(clients[d]![0]!.doc), `first sync of document ${d} on instance ${where.name}`);
        }
      } finally {
        destroyAll([...clients.flat(), ...fresh]);
      }
    }),
    // Shrinking would restart processes for minutes: report the first failure with its seed.
    { seed, numRuns, endOnFailure: true, includeErrorInReport: true },
  );
});
