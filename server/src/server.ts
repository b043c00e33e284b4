import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import { CloseCode } from './closeCodes.js';
import { Gate } from './auth/gate.js';
import { Cluster, type ClusterOptions } from './cluster/Cluster.js';
import { sharedStores } from './cluster/sharedStores.js';
import type { Config } from './config.js';
import { ConversionPool } from './history/ConversionPool.js';
import { DocumentService } from './history/DocumentService.js';
import { VersionRecorders } from './history/VersionRecorders.js';
import { AuthorshipRecorders } from './history/AuthorshipRecorders.js';
import { DocumentQuota } from './files/DocumentQuota.js';
import { FileCollector } from './files/FileCollector.js';
import { createApi } from './http/api/router.js';
import { CommentService } from './review/CommentService.js';
import { identityOf } from './review/author.js';
import { reviewUpdate } from './review/commentRules.js';
import { apiRoutes } from './http/api/index.js';
import { createRequestHandler } from './http/routes.js';
import { WsGateway } from './http/WsGateway.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import type { RoomWatcher } from './rooms/ports.js';
import { ChangeFeed } from './cluster/ChangeFeed.js';
import { SearchIndexer } from './search/SearchIndexer.js';
import type { KV } from './storage/kv/KV.js';
import { LevelKV } from './storage/kv/LevelKV.js';
import { storesOver } from './storage/Stores.js';
import type { DocumentIndex } from './storage/kinds/documents.js';
import { Shares } from './shares/Shares.js';
import { createAuthRoutes } from './http/authRoutes.js';
import { startSignIn } from './signin/startSignIn.js';
import { wsWire } from './transport/frames.js';

export interface TandemServer {
  readonly port: number;
  readonly metrics: Metrics;
  readonly registry: RoomRegistry;
  readonly gateway: WsGateway;
  /** Scale-out, with REDIS_URL. */
  readonly cluster: Cluster | undefined;
  /** Documents as the HTTP API sees them (export, import, versions…). */
  readonly docs: DocumentService;
  /** Deletes uploaded files nothing refers to any more (FILE_GC_GRACE_MS). */
  readonly files: FileCollector;
  /** Search across documents: the index and what keeps it current. */
  readonly search: SearchIndexer;
  /** Stop accepting, close sockets with 1001, flush, close the store. Idempotent. */
  stop(): Promise<void>;
}

/** The watchers of one room (version history, compare's attribution, search) as one: all are told. */
function allWatchers(...watchers: RoomWatcher[]): RoomWatcher {
  return {
    close: async () => {
      await Promise.all(watchers.map((w) => w.close()));
    },
    stop: () => {
      for (const w of watchers) w.stop();
    },
  };
}

function levelStore(config: Config, logger: Logger): KV {
  return new LevelKV(config.dataDir, {
    sync: config.durability === 'fsync',
    onBackgroundError: (err) => logger.warn({ err }, 'LevelDB range compaction failed; disk space is reclaimed later by LevelDB itself'),
  });
}

/**
 * On SIGTERM, how long peers get to answer the 1001 close (their socket ends) while the edits
 * they sent before it are still stored; a peer on a normal network answers within a round trip.
 */
const SHUTDOWN_DRAIN_MS = 2000;

/**
 * Conversions (export, import, restore, version digests) run this many at once, off the event
 * loop: one core is left to the message path (on 2 cores, one worker; at most 4).
 */
const CONVERSION_WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1));

/**
 * Search indexes a document a second after the first change of a burst (so steady typing is read
 * about once a second, never held back while it lasts, and a title is listed everywhere well
 * within the contract's 5 s). Storing the whole index
 * blocks the event loop (10,000 documents: 20 MB of JSON, bench/src/searchCost.mjs), so it is
 * stored seldom — every 1,000 documents indexed or 5 minutes after the first of them, and at
 * stop — and what was indexed since is found again at start from the pending marks.
 */
const SEARCH_INDEXING = { debounceMs: 1000, saveEvery: 1000, saveAfterMs: 300_000 };

/** Every stored document's name, a page at a time (a search index rebuild). */
async function* allNames(documents: DocumentIndex): AsyncIterable<string> {
  let after: string | undefined;
  for (;;) {
    const names = await documents.listDocuments({ prefix: '', after, limit: 500 });
    yield* names;
    if (names.length < 500) return;
    after = names[names.length - 1];
  }
}

/** Wires storage, rooms, HTTP and WebSocket together and listens. No process-wide side effects. */
export async function startServer(
  config: Config,
  logger: Logger,
  /** Where everything is kept: LevelDB in DATA_DIR (tests may give another). */
  kv: KV = levelStore(config, logger),
  clusterOptions: Pick<ClusterOptions, 'fold'> = {},
  /** The clock of version times, retention, upload times and their grace period (tests inject one). */
  now: () => number = Date.now,
): Promise<TandemServer> {
  const metrics = new Metrics();
  await kv.open();
  const local = storesOver(kv);
  let registryRef: RoomRegistry | undefined;
  let searchRef: SearchIndexer | undefined;
  const cluster = config.redisUrl
    ? new Cluster({
        url: config.redisUrl, timeoutMs: config.redisTimeoutMs, updates: local.updates, marks: local.marks, logger, metrics, ...clusterOptions,
        onDeleted: (name) => {
          searchRef?.forget(name);
          registryRef?.remove(name, CloseCode.DocumentDeleted, 'document deleted', () => local.documents.deleteDocument(name)).catch((err: unknown) => logger.error({ doc: name, err }, 'removing a document deleted elsewhere failed'));
        },
      })
    : undefined;
  // The one place that knows whether Redis exists: with it, the kinds every instance must answer
  // alike are the shared ones (cluster/sharedStores.ts); nothing below asks again.
  const shared = cluster ? sharedStores(local, cluster, logger, now) : undefined;
  const stores = shared ?? local;
  // Two lanes: requests (export, import, restore) on CONVERSION_WORKERS, and one more worker that
  // only the server's own jobs (version digests, file collection) may use, so that requests that
  // stall or flood their lane never stop versions being recorded.
  const pool = new ConversionPool(CONVERSION_WORKERS + 1, logger, { timeoutMs: config.conversionTimeoutMs, maxQueue: config.maxConversionQueue }, 1);
  let filesRef: FileCollector | undefined;
  const recorders = new VersionRecorders({
    versions: stores.versions, documents: stores.documents, pool, logger,
    options: { idleMs: config.versionIdleMs, everyMs: config.versionEveryMs, rules: config.versionKeep, now },
    // One instance records a document's automatic versions: the holder of its lease, renewed while it edits.
    mayRecord: shared ? (name: string) => shared.lease.mayRecord(name, Math.max(2 * config.versionEveryMs, 4 * config.versionIdleMs)) : undefined,
    release: shared ? (name: string) => shared.lease.release(name) : undefined,
    onThinned: (name: string) => filesRef?.versionsThinned(name),
  });
  const authorship = new AuthorshipRecorders(stores.authorship, logger);
  let docsRef: DocumentService | undefined;
  const feed = cluster && new ChangeFeed(cluster.link, cluster.instance, logger);
  const search = new SearchIndexer({
    store: stores.search, logger, now, options: SEARCH_INDEXING,
    openRoom: (name) => registryRef?.get(name),
    readState: async (name) => (docsRef && (await docsRef.exists(name)) ? docsRef.state(name) : undefined),
    allNames: () => allNames(stores.documents),
    writeSummary: (name, summary) => stores.documents.writeSummary(name, summary),
    announce: feed && ((name) => feed.announce(name)),
  });
  searchRef = search;
  const registry = new RoomRegistry(
    { store: stores.updates, logger, metrics, wire: wsWire, cluster, watch: (room) => allWatchers(recorders.watch(room), authorship.watch(room), search.watch(room)), policy: (doc, update, access, unapplied) => reviewUpdate(doc, update, { mode: access.mode, identity: identityOf(access) }, unapplied), reviewWaitMs: config.redisTimeoutMs, compactAfterUpdates: config.compactAfterUpdates, mergeUpdates: (updates) => pool.run({ op: 'merge', updates }), maxDocumentBytes: config.maxDocumentBytes, maxAwarenessBytes: config.maxAwarenessBytes, maxPresenceBytes: config.maxPresenceBytes, maxAwarenessIds: config.maxAwarenessIds, presenceStaleMs: Math.min(config.pingIntervalMs / 2, 2000) },
    { unloadGraceMs: config.unloadGraceMs, maxOpenDocuments: config.maxOpenDocuments, onIdle: (room) => filesRef?.roomIdle(room) },
  );
  registryRef = registry;
  const files = new FileCollector({
    store: stores.files, versions: stores.versions, registry, logger,
    readRefs: (state) => pool.run({ op: 'fileRefs', state }),
    graceMs: config.fileGcGraceMs, everyMs: config.fileGcEveryMs, now,
    onDeleted: (count) => metrics.filesDeleted.inc(count),
  });
  filesRef = files;
  try {
    await cluster?.start(registry);
  } catch (err) {
    await cluster?.stop();
    await pool.stop();
    await kv.close();
    throw err;
  }
  const quota = new DocumentQuota({ registry, files: stores.files, versions: stores.versions, documents: stores.documents, maxBytes: config.maxDocumentBytes });
  const docs = new DocumentService(registry, stores, pool, quota, recorders, authorship, (name) => search.forget(name));
  docsRef = docs;
  await search.start();
  await feed?.listen((name) => search.changed(name, false));
  const shares = config.authSecret ? new Shares(config.authSecret, stores.shares) : undefined;
  const signIn = config.signIn && config.authSecret ? startSignIn(config, config.signIn, config.authSecret, stores, logger, now) : undefined;
  // Every surface asks this one gate (DESIGN.md, "One gate").
  const gate = new Gate(config.authSecret, shares, signIn?.check);
  const api = createApi({ config, logger, docs, comments: new CommentService(docs, now), kv, search, shares, people: signIn?.people, files: { store: stores.files, collector: files, quota }, now }, gate, apiRoutes);
  const gateway = new WsGateway(config, logger, metrics, registry, gate, shares, signIn?.watch);
  let listening = false;
  const auth = signIn && createAuthRoutes({ ...signIn.routes, gate });
  const http: Server = createServer(createRequestHandler({ config, logger, metrics, api, auth, isReady: () => listening && kv.isOpen }));
  http.on('upgrade', gateway.handleUpgrade);
  http.on('clientError', (err, socket) => {
    logger.debug({ err: err.message }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    gateway.shutdown();
    await cluster?.stop();
    await pool.stop();
    await kv.close();
    throw err;
  }
  listening = true;
  const port = (http.address() as AddressInfo).port;
  files.start();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      listening = false;
      http.close();
      gateway.shutdown();
      await gateway.drained(SHUTDOWN_DRAIN_MS); // edits in flight when the 1001 went out are stored too
      await files.stop();
      await registry.closeAll(); // records the last versions of open documents (in the pool), and indexes what is queued
      await search.stop(); // stores the index
      await cluster?.stop();
      await pool.stop();
      await kv.close();
      http.closeAllConnections();
    })());

  return { port, metrics, registry, gateway, cluster, docs, files, search, stop };
}
