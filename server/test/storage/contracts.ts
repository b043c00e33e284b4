// The contract suites of storage: one per kind of stored data (storage/kinds/), run against
// every backend that offers that kind: over LevelKV and MemoryKV, and for the kinds every
// instance shares, the Redis-backed wrappers against a real redis-server (test/cluster/
// shared-kinds.test.ts). Each `*.test.ts` beside this file runs one suite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LevelKV } from '../../src/storage/kv/LevelKV.js';
import { MemoryKV } from '../../src/storage/kv/MemoryKV.js';
import type { KV } from '../../src/storage/kv/KV.js';
import { storesOver, type Stores } from '../../src/storage/Stores.js';

export const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
export const list = (us: readonly Uint8Array[]): number[][] => us.map((u) => [...u]);

/** One store under test, and (where its data outlives it) a way to open it again. */
export interface Harness {
  stores: Stores;
  /** Closes these stores and opens new ones on the same data (a restart, or another instance). */
  reopen?: () => Promise<Stores>;
  done: () => Promise<void>;
}

export interface Backend {
  label: string;
  make: () => Promise<Harness>;
}

/** Opens `kv` and the kinds over it. */
async function over(kv: KV): Promise<Stores> {
  await kv.open();
  return storesOver(kv);
}

export const levelBackend: Backend = {
  label: 'LevelKV',
  async make() {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
    let stores = await over(new LevelKV(dir, { sync: false }));
    return {
      get stores() {
        return stores;
      },
      reopen: async () => {
        await stores.kv.close();
        stores = await over(new LevelKV(dir, { sync: false }));
        return stores;
      },
      done: async () => {
        await stores.kv.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const memoryBackend: Backend = {
  label: 'MemoryKV',
  async make() {
    const stores = await over(new MemoryKV());
    return { stores, done: () => stores.kv.close() };
  },
};

export const localBackends: readonly Backend[] = [levelBackend, memoryBackend];

/** Runs `body` with a fresh harness of `backend`, always disposing of it. */
export async function using(backend: Backend, body: (h: Harness) => Promise<void>): Promise<void> {
  const h = await backend.make();
  try {
    await body(h);
  } finally {
    await h.done();
  }
}

/** Kind 'u': the update log. */
export function updatesContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`update log contract: ${backend.label}`, () => {
      test('an unknown document loads empty', () =>
        using(backend, async ({ stores }) => {
          assert.deepEqual(await stores.updates.load('nothing'), { updates: [], firstSeq: 0, nextSeq: 0 });
        }));

      test('appends come back in order, per document, names with / and unicode apart', () =>
        using(backend, async ({ stores }) => {
          const names = ['a', 'a/b', 'a/b/c', 'ä 文', 'ab'];
          await Promise.all(names.flatMap((n, i) => [0, 1, 2, 300].map((seq) => stores.updates.append(n, seq, bytes(i, seq & 0xff)))));
          for (const [i, n] of names.entries()) {
            const got = await stores.updates.load(n);
            assert.deepEqual(list(got.updates), [[i, 0], [i, 1], [i, 2], [i, 300 & 0xff]]);
            assert.equal(got.firstSeq, 0);
            assert.equal(got.nextSeq, 301);
          }
        }));

      test('compaction replaces a prefix atomically and keeps later appends', () =>
        using(backend, async ({ stores }) => {
          for (let s = 0; s < 10; s++) void stores.updates.append('d', s, bytes(s));
          const compacted = stores.updates.compact('d', 0, 5, bytes(99));
          const later = stores.updates.append('d', 10, bytes(10));
          await Promise.all([compacted, later]);
          const got = await stores.updates.load('d');
          assert.deepEqual(list(got.updates), [[99], [6], [7], [8], [9], [10]]);
          assert.equal(got.firstSeq, 5);
          assert.equal(got.nextSeq, 11);
        }));

      test('what was appended survives close and reopen', async (t) => {
        await using(backend, async ({ stores, reopen }) => {
          if (!reopen) return t.diagnostic('nothing to reopen');
          await stores.updates.append('keep', 0, bytes(1, 2, 3));
          const again = await reopen();
          assert.deepEqual(list((await again.updates.load('keep')).updates), [[1, 2, 3]]);
        });
      });
    });
  }
}

/** Kind 'c': the cluster marks. */
export function marksContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`cluster mark contract: ${backend.label}`, () => {
      test('a cluster mark is kept per document, untouched by compaction and by a reopen', () =>
        using(backend, async ({ stores, reopen }) => {
          assert.equal(await stores.marks.readClusterMark('m/1'), undefined);
          await Promise.all([stores.updates.append('m/1', 0, bytes(1)), stores.updates.append('m/1', 1, bytes(2)), stores.marks.writeClusterMark('m/1', 'mark-a')]);
          await stores.updates.compact('m/1', 0, 1, bytes(9));
          assert.equal(await stores.marks.readClusterMark('m/1'), 'mark-a');
          assert.equal(await stores.marks.readClusterMark('m'), undefined);
          assert.deepEqual(list((await stores.updates.load('m/1')).updates), [[9]]);
          if (reopen) assert.equal(await (await reopen()).marks.readClusterMark('m/1'), 'mark-a');
        }));
    });
  }
}

const meta = (id: number, name: string | null = null) => ({ id, name, createdAt: id, authors: [{ name: 'Ada', verified: true }], hash: `h${id}` });

/** Kinds 'v' and 'b': versions. */
export function versionsContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`version contract: ${backend.label}`, () => {
      test('versions: stored with metadata, listed oldest first, untouched by compaction, deleted one by one', () =>
        using(backend, async ({ stores, reopen }) => {
          const { versions, updates } = stores;
          await Promise.all([updates.append('v/1', 0, bytes(1)), updates.append('v/1', 1, bytes(2))]);
          await Promise.all([versions.putVersion('v/1', meta(2_000), bytes(7, 7)), versions.putVersion('v/1', meta(1_000, 'first'), bytes(6)), versions.putVersion('v', meta(5), bytes(5))]);
          await updates.compact('v/1', 0, 1, bytes(9));
          assert.deepEqual(await versions.listVersions('v/1'), [meta(1_000, 'first'), meta(2_000)]);
          assert.deepEqual([...(await versions.readVersion('v/1', 2_000))!], [7, 7]);
          assert.equal(await versions.readVersion('v/1', 3_000), undefined);
          assert.deepEqual(list((await updates.load('v/1')).updates), [[9]]);
          await versions.deleteVersions('v/1', [1_000]);
          assert.deepEqual((await versions.listVersions('v/1')).map((v) => v.id), [2_000]);
          assert.deepEqual((await versions.listVersions('v')).map((v) => v.id), [5]);
          if (reopen) {
            const again = await reopen();
            assert.deepEqual((await again.versions.listVersions('v/1')).map((v) => v.id), [2_000]);
            assert.deepEqual([...(await again.versions.readVersion('v/1', 2_000))!], [7, 7]);
          }
        }));
    });
  }
}

/** Kind 's' and every kind at once: the document list, and deleting a document whole. */
export function documentsContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`document index contract: ${backend.label}`, () => {
      test('documents: listed in name order by prefix and cursor, summaries kept; a name with only a mark is none', () =>
        using(backend, async ({ stores }) => {
          const { documents, updates } = stores;
          const names = ['b', 'a/b', 'a', 'ab', 'a/b/c', 'é', 'c'];
          await Promise.all(names.map((n) => updates.append(n, 0, bytes(1))));
          await documents.writeSummary('ab', { title: 'T', size: 3, updatedAt: 4 });
          await stores.marks.writeClusterMark('a/mark only', 'm'); // no content: not a document
          assert.deepEqual(await documents.listDocuments({ prefix: '', limit: 100 }), ['a', 'a/b', 'a/b/c', 'ab', 'b', 'c', 'é']);
          assert.deepEqual(await documents.listDocuments({ prefix: '', limit: 2, after: 'a/b' }), ['a/b/c', 'ab']);
          assert.deepEqual(await documents.listDocuments({ prefix: 'a/', limit: 10 }), ['a/b', 'a/b/c']);
          assert.deepEqual(await documents.listDocuments({ prefix: 'a', limit: 10, after: 'a/b/c' }), ['ab']);
          assert.deepEqual(await documents.readSummary('ab'), { title: 'T', size: 3, updatedAt: 4 });
          assert.equal(await documents.exists('ab'), true);
          assert.equal(await documents.exists('a/mark only'), false);
          assert.equal(await documents.exists('a/'), false);
        }));

      test('deleting a document removes every kind of its data, and nothing of its neighbours', () =>
        using(backend, async ({ stores }) => {
          const { documents, updates, versions, files, shares, marks } = stores;
          const sha = 'ab'.repeat(32);
          const share = { id: 's1', mode: 'read' as const, createdAt: 1, expiresAt: null, creator: null };
          for (const n of ['ab', 'ab/c', 'a']) {
            await Promise.all([
              updates.append(n, 0, bytes(1)),
              versions.putVersion(n, meta(1), bytes(1)),
              documents.writeSummary(n, { title: n, size: 1, updatedAt: 1 }),
              files.putFile(n, sha, bytes(1, 2), 1000),
              shares.putShare(n, share),
              marks.writeClusterMark(n, 'm'),
            ]);
          }
          await documents.deleteDocument('ab');
          assert.deepEqual(await updates.load('ab'), { updates: [], firstSeq: 0, nextSeq: 0 });
          assert.deepEqual(await versions.listVersions('ab'), []);
          assert.equal(await documents.readSummary('ab'), undefined);
          assert.equal(await files.readFile('ab', sha), undefined);
          assert.deepEqual(await files.listFiles('ab'), []);
          assert.deepEqual(await shares.listShares('ab'), []);
          assert.equal(await shares.getShare('ab', 's1'), undefined);
          assert.equal(await marks.readClusterMark('ab'), undefined);
          assert.equal(await documents.exists('ab'), false);
          assert.deepEqual(await documents.listDocuments({ prefix: '', limit: 10 }), ['a', 'ab/c']);
          for (const n of ['ab/c', 'a']) {
            assert.equal((await updates.load(n)).updates.length, 1, n);
            assert.equal((await versions.listVersions(n)).length, 1, n);
            assert.deepEqual([...((await files.readFile(n, sha)) ?? [])], [1, 2], n);
            assert.deepEqual(await shares.getShare(n, 's1'), share, n);
          }
        }));
    });
  }
}

/** Kinds 'f' and 't': uploaded files and their times. */
export function filesContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`file contract: ${backend.label}`, () => {
      test('files: content-addressed per document, kept across a reopen', () =>
        using(backend, async ({ stores, reopen }) => {
          const sha = 'ab'.repeat(32);
          await Promise.all([stores.files.putFile('a/b', sha, bytes(1, 2, 3), 1000), stores.updates.append('a/b', 0, bytes(9))]);
          assert.deepEqual([...((await stores.files.readFile('a/b', sha)) ?? [])], [1, 2, 3]);
          assert.equal(await stores.files.readFile('a', sha), undefined, 'files belong to their document');
          assert.equal(await stores.files.readFile('a/b', 'cd'.repeat(32)), undefined);
          assert.deepEqual(list((await stores.updates.load('a/b')).updates), [[9]], 'a file is not an update');
          assert.equal(stores.files.seesAll, true);
          if (reopen) {
            const again = await reopen();
            assert.deepEqual([...((await again.files.readFile('a/b', sha)) ?? [])], [1, 2, 3]);
            assert.deepEqual(await again.files.listFiles('a/b'), [{ sha256: sha, uploadedAt: 1000 }]);
          }
        }));

      test('files: listed with their upload times without their bytes, renewed by a new upload, deleted by SHA', () =>
        using(backend, async ({ stores, reopen }) => {
          const { files } = stores;
          const [s1, s2, s3] = ['01'.repeat(32), 'ff'.repeat(32), '80'.repeat(32)];
          await Promise.all([files.putFile('a', s2, bytes(2), 2000), files.putFile('a', s1, bytes(1), 1_700_000_000_123), files.putFile('a/b', s3, bytes(3), 3000), files.putFile('c', s3, bytes(3), 3000)]);
          assert.deepEqual(await files.listFiles('a'), [{ sha256: s1, uploadedAt: 1_700_000_000_123 }, { sha256: s2, uploadedAt: 2000 }]);
          assert.deepEqual(await files.listFiles('a/b'), [{ sha256: s3, uploadedAt: 3000 }], 'a document lists its own files only');
          assert.deepEqual(await files.listFiles('none'), []);
          await files.putFile('a', s2, bytes(2), 5000); // uploaded again
          assert.deepEqual(await files.listFiles('a'), [{ sha256: s1, uploadedAt: 1_700_000_000_123 }, { sha256: s2, uploadedAt: 5000 }]);
          assert.deepEqual(await files.listDocumentsWithFiles({ limit: 10 }), ['a', 'a/b', 'c']);
          assert.deepEqual(await files.listDocumentsWithFiles({ after: 'a', limit: 1 }), ['a/b']);
          await files.deleteFiles('a', [s2]);
          assert.equal(await files.readFile('a', s2), undefined);
          assert.deepEqual([...((await files.readFile('a', s1)) ?? [])], [1]);
          assert.deepEqual(await files.listFiles('a'), [{ sha256: s1, uploadedAt: 1_700_000_000_123 }]);
          await files.deleteFiles('c', [s3]);
          assert.deepEqual(await files.listDocumentsWithFiles({ limit: 10 }), ['a', 'a/b']);
          if (reopen) assert.deepEqual(await (await reopen()).files.listFiles('a'), [{ sha256: s1, uploadedAt: 1_700_000_000_123 }]);
        }));
    });
  }
}

/** Kind 'l': share links. */
export function sharesContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`share link contract: ${backend.label}`, () => {
      test('share links: listed by id per document, read one by one, deleted one by one, kept across a reopen', () =>
        using(backend, async ({ stores, reopen }) => {
          const r = (id: string) => ({ id, mode: 'read' as const, createdAt: 1, expiresAt: null, creator: null });
          await Promise.all([stores.shares.putShare('a', r('y')), stores.shares.putShare('a', r('x')), stores.shares.putShare('a/b', r('z'))]);
          assert.deepEqual((await stores.shares.listShares('a')).map((s) => s.id), ['x', 'y']);
          assert.deepEqual(await stores.shares.listShares('a/b'), [r('z')]);
          assert.deepEqual(await stores.shares.getShare('a', 'y'), r('y'));
          assert.equal(await stores.shares.getShare('a/b', 'y'), undefined, 'a link belongs to its document');
          await stores.shares.deleteShare('a', 'x');
          assert.deepEqual((await stores.shares.listShares('a')).map((s) => s.id), ['y']);
          assert.equal(await stores.shares.getShare('a', 'x'), undefined);
          if (reopen) assert.deepEqual(await (await reopen()).shares.listShares('a'), [r('y')]);
        }));
    });
  }
}

/** Kinds 'a' and 'x': sign-in sessions and login transactions. */
export function sessionsContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`session contract: ${backend.label}`, () => {
      const user = { id: 'oidc:a', name: 'A', email: 'a@example.com' };
      const t = Date.now();
      test('sessions: stored, read by id, deleted, kept across a reopen', () =>
        using(backend, async ({ stores, reopen }) => {
          const s = (id: string) => ({ id, user, createdAt: t, expiresAt: t + 60_000 });
          await Promise.all([stores.sessions.putSession(s('session-one-0123456789')), stores.sessions.putSession(s('session-two-0123456789'))]);
          assert.deepEqual(await stores.sessions.getSession('session-one-0123456789'), s('session-one-0123456789'));
          await stores.sessions.deleteSession('session-one-0123456789');
          assert.equal(await stores.sessions.getSession('session-one-0123456789'), undefined);
          assert.equal(await stores.sessions.getSession('never'), undefined);
          if (reopen) assert.equal((await (await reopen()).sessions.getSession('session-two-0123456789'))?.id, 'session-two-0123456789');
        }));
      test('login transactions: taken once, even by two takes at the same time, and by another instance', () =>
        using(backend, async ({ stores, reopen }) => {
          const login = (state: string) => ({ state, nonce: 'n', codeVerifier: 'v', next: '/d/x', expiresAt: t + 60_000 });
          await stores.logins.putLogin(login('s1'));
          const takes = await Promise.all([stores.logins.takeLogin('s1'), stores.logins.takeLogin('s1')]);
          assert.deepEqual(takes.filter((t) => t !== undefined), [login('s1')]);
          assert.equal(await stores.logins.takeLogin('s1'), undefined);
          await stores.logins.putLogin(login('s2'));
          const other = reopen ? await reopen() : stores;
          assert.deepEqual(await other.logins.takeLogin('s2'), login('s2'));
          assert.equal(await other.logins.takeLogin('s2'), undefined);
        }));
    });
  }
}

/** Kinds 'p' and 'w': a document's people (created once), and each person's list. */
export function peopleContract(backends: readonly Backend[]): void {
  for (const backend of backends) {
    describe(`people contract: ${backend.label}`, () => {
      const rec = (email: string) => ({ people: [{ email, role: 'owner' as const }], general: 'restricted' as const });
      test('people: created once (of many racing creators one wins), replaced, kept across a reopen', () =>
        using(backend, async ({ stores, reopen }) => {
          assert.equal(await stores.people.getPeople('a'), undefined);
          const wins = await Promise.all(['x@e.com', 'y@e.com', 'z@e.com'].map((e) => stores.people.createPeople('a', rec(e))));
          assert.equal(wins.filter(Boolean).length, 1);
          const winner = ['x@e.com', 'y@e.com', 'z@e.com'][wins.indexOf(true)]!;
          assert.deepEqual(await stores.people.getPeople('a'), rec(winner));
          assert.equal(await stores.people.createPeople('a', rec('late@e.com')), false);
          await stores.people.putPeople('a', { ...rec(winner), general: 'link-viewer' });
          assert.equal((await stores.people.getPeople('a'))?.general, 'link-viewer');
          assert.equal(await stores.people.getPeople('a/b'), undefined, 'people belong to their document');
          if (reopen) assert.equal((await (await reopen()).people.getPeople('a'))?.general, 'link-viewer');
        }));
      test('a person\'s list: entries by document, removed one by one', () =>
        using(backend, async ({ stores, reopen }) => {
          await Promise.all([stores.people.putMine('p@e.com', 'a/b', { role: 'owner', via: 'people' }), stores.people.putMine('p@e.com', 'c', { role: 'viewer', via: 'link' }), stores.people.putMine('q@e.com', 'c', { role: 'editor', via: 'people' })]);
          const sorted = async (s: Stores, email: string) => (await s.people.listMine(email)).sort((x, y) => (x.name < y.name ? -1 : 1));
          assert.deepEqual(await sorted(stores, 'p@e.com'), [{ name: 'a/b', entry: { role: 'owner', via: 'people' } }, { name: 'c', entry: { role: 'viewer', via: 'link' } }]);
          await stores.people.deleteMine('p@e.com', 'c');
          assert.deepEqual((await sorted(stores, 'p@e.com')).map((e) => e.name), ['a/b']);
          assert.deepEqual((await sorted(reopen ? await reopen() : stores, 'q@e.com')).map((e) => e.name), ['c']);
        }));
    });
  }
}
