// Property: whatever the interleaving of edits from three clients, with disconnects and a
// server restart in between, every client and a fresh reload end with one and the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cleanup, type Client, connect, roomText, startTestServer, tempDir, type TestServer, waitFor } from '../helpers.js';

type Step =
  | { op: 'insert'; who: number; at: number; text: string }
  | { op: 'delete'; who: number; at: number; len: number }
  | { op: 'disconnect'; who: number }
  | { op: 'reconnect'; who: number }
  | { op: 'restart' }
  | { op: 'settle' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('insert' as const), who: fc.nat(2), at: fc.nat(50), text: fc.string({ minLength: 1, maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), who: fc.nat(2), at: fc.nat(50), len: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('disconnect' as const), who: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reconnect' as const), who: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'settle' as const }) },
);

test('random interleavings from 3 clients with disconnects and a restart converge', { timeout: 170_000 }, async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);
  const env = { RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000', COMPACT_AFTER_UPDATES: '20', UNLOAD_GRACE_MS: '0' };
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
      const dataDir = tempDir();
      let ts: TestServer = await startTestServer(env, dataDir);
      const clients: Client[] = [0, 1, 2].map(() => connect(ts.url, 'prop'));
      const url = ts.url; // what the clients dial, also after a restart
      try {
        // Waits with a deadline say where a run stuck (a bare await would only end at the test's timeout).
        await waitFor(() => clients.every((c) => c.provider.synced), { timeoutMs: 20_000, what: 'the three clients\' first sync' });
        for (const s of steps) {
          const c = 'who' in s ? clients[s.who]! : undefined;
          switch (s.op) {
            case 'insert':
              c!.text.insert(Math.min(s.at, c!.text.length), s.text);
              break;
            case 'delete': {
              const at = Math.min(s.at, c!.text.length);
              const len = Math.min(s.len, c!.text.length - at);
              if (len > 0) c!.text.delete(at, len);
              break;
            }
            case 'disconnect':
              c!.provider.disconnect();
              break;
            case 'reconnect':
              c!.provider.connect();
              break;
            case 'restart': {
              const port = ts.port;
              await ts.stop();
              ts = await startTestServer({ ...env, PORT: String(port) }, dataDir);
              assert.equal(ts.url, url, 'the restarted server is where the clients reconnect');
              break;
            }
            case 'settle':
              await new Promise((r) => setTimeout(r, 5));
              break;
          }
        }
        for (const c of clients) if (!c.provider.shouldConnect) c.provider.connect();
        await waitFor(() => clients.every((c) => c.provider.synced && c.text.toString() === clients[0]!.text.toString()), {
          timeoutMs: 15_000,
          what: 'clients to converge',
        });
        const text = clients[0]!.text.toString();
        await waitFor(() => roomText(ts, 'prop') === text, { what: 'the server to hold it' });
        clients.forEach((c) => c.destroy());
        ts = await ts.restart();
        const reload = connect(ts.url, 'prop');
        await waitFor(() => reload.provider.synced, { timeoutMs: 20_000, what: 'the reload\'s first sync after the restart' });
        assert.equal(reload.text.toString(), text);
        reload.destroy();
      } finally {
        clients.forEach((c) => c.destroy());
        await ts.stop();
        cleanup(dataDir);
      }
    }),
    { numRuns: 30, seed, includeErrorInReport: true },
  );
});
