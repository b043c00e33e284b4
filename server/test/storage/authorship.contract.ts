// Contract suite of kind 'i' (compare's attribution: who wrote with each Yjs client id, who
// deleted which runs of items), run over every backend like those in contracts.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Authorship } from '../../src/storage/kinds/authorship.js';
import { using, type Backend } from './contracts.js';

const ann = { id: 'ann-id', name: 'Ann' };
const typed = { id: null, name: 'Bob (typed)' };

/** An authorship record as sorted plain data. */
function plain(a: Authorship) {
  return {
    clients: [...a.clients].sort((x, y) => x[0] - y[0]),
    deletions: [...a.deletions].sort((x, y) => x.client - y.client || x.clock - y.clock),
  };
}

export function authorshipContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`authorship contract: ${backend.label}`, () => {
      test('client ids and deleted runs come back per document, large ids intact, replaced when recorded again', () =>
        using(backend, async ({ stores, reopen }) => {
          const { authorship } = stores;
          assert.deepEqual(plain(await authorship.readAuthorship('a')), { clients: [], deletions: [] });
          await authorship.recordAuthorship('a', { clients: [[4294967295, ann], [7, typed]], deletions: [{ client: 7, clock: 3, length: 5, by: ann }] });
          await authorship.recordAuthorship('a/b', { clients: [[7, ann]], deletions: [] });
          await authorship.recordAuthorship('a', { clients: [[7, ann]], deletions: [{ client: 4294967295, clock: 2 ** 40, length: 1, by: typed }, { client: 7, clock: 3, length: 6, by: typed }] });
          const expected = {
            clients: [[7, ann], [4294967295, ann]],
            deletions: [{ client: 7, clock: 3, length: 6, by: typed }, { client: 4294967295, clock: 2 ** 40, length: 1, by: typed }],
          };
          assert.deepEqual(plain(await authorship.readAuthorship('a')), expected);
          assert.deepEqual(plain(await authorship.readAuthorship('a/b')), { clients: [[7, ann]], deletions: [] });
          if (reopen) assert.deepEqual(plain(await (await reopen()).authorship.readAuthorship('a')), expected);
        }));

      test('deleting a document deletes its authorship, and nothing of its neighbours', () =>
        using(backend, async ({ stores }) => {
          for (const n of ['ab', 'ab/c', 'a']) {
            await stores.updates.append(n, 0, new Uint8Array([1]));
            await stores.authorship.recordAuthorship(n, { clients: [[1, ann]], deletions: [{ client: 1, clock: 0, length: 1, by: ann }] });
          }
          await stores.documents.deleteDocument('ab');
          assert.deepEqual(plain(await stores.authorship.readAuthorship('ab')), { clients: [], deletions: [] });
          for (const n of ['ab/c', 'a']) assert.equal((await stores.authorship.readAuthorship(n)).clients.size, 1, n);
        }));

      // Pasting over or deleting much of a large document deletes that many runs in one change.
      // Before 2026-12-06 the batch went to the store as a call's arguments, and past ~100,000 V8
      // overflowed its stack: the change's authorship was lost (seeding bench/src/bigTyping.mjs).
      test('a change deleting 150,000 runs is recorded whole, and deleting the document deletes it all', () =>
        using(backend, async ({ stores }) => {
          const runs = 150_000;
          const deletions = Array.from({ length: runs }, (_, i) => ({ client: 9, clock: 2 * i, length: 1, by: ann }));
          await stores.updates.append('big', 0, new Uint8Array([1]));
          await stores.authorship.recordAuthorship('big', { clients: [[9, typed]], deletions });
          const read = await stores.authorship.readAuthorship('big');
          assert.equal(read.deletions.length, runs);
          assert.deepEqual(read.clients.get(9), typed);
          await stores.documents.deleteDocument('big');
          assert.deepEqual(plain(await stores.authorship.readAuthorship('big')), { clients: [], deletions: [] });
        }));
    });
  }
}
