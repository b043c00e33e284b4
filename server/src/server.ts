import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, type ClusterOptions } from './cluster/Cluster.js';
import type { Config } from './config.js';
import { createRequestHandler } from './http/routes.js';
import { WsGateway } from './http/WsGateway.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import type { DocStore } from './storage/DocStore.js';
import { LevelDocStore } from './storage/LevelDocStore.js';
import { Shares } from './shares/Shares.js';
import { wsWire } from './transport/frames.js';

export interface TandemServer {
  readonly port: number;
  readonly metrics: Metrics;
  readonly registry: RoomRegistry;
  readonly gateway: WsGateway;
  /** Scale-out, with REDIS_URL. */
  readonly cluster: Cluster | undefined;
  /** Stop accepting, close sockets with 1001, flush, close the store. Idempotent. */
  stop(): Promise<void>;
}

function levelStore(config: Config, logger: Logger): DocStore {
  return new LevelDocStore(config.dataDir, {
    sync: config.durability === 'fsync',
    onBackgroundError: (err) => logger.warn({ err }, 'LevelDB range compaction failed; disk space is reclaimed later by LevelDB itself'),
  });
}

/** Wires store, rooms, HTTP and WebSocket together and listens. No process-wide side effects. */
export async function startServer(
  config: Config,
  logger: Logger,
  store: DocStore = levelStore(config, logger),
  clusterOptions: Pick<ClusterOptions, 'fold'> = {},
): Promise<TandemServer> {
  const metrics = new Metrics();
  await store.open();
  const cluster = config.redisUrl
    ? new Cluster({ url: config.redisUrl, timeoutMs: config.redisTimeoutMs, store, logger, metrics, ...clusterOptions })
    : undefined;
  const registry = new RoomRegistry(
    { store, logger, metrics, wire: wsWire, cluster, compactAfterUpdates: config.compactAfterUpdates, maxDocumentBytes: config.maxDocumentBytes, maxAwarenessBytes: config.maxAwarenessBytes, presenceStaleMs: Math.min(config.pingIntervalMs / 2, 2000) },
    { unloadGraceMs: config.unloadGraceMs, maxOpenDocuments: config.maxOpenDocuments },
  );
  try {
    await cluster?.start(registry);
  } catch (err) {
    await cluster?.stop();
    await store.close();
    throw err;
  }
  const shares = config.authSecret ? new Shares(config.authSecret, store, cluster?.shares) : undefined;
  const gateway = new WsGateway(config, logger, metrics, registry, shares);
  let listening = false;
  const http: Server = createServer(createRequestHandler({ config, logger, metrics, isReady: () => listening && store.isOpen, store, sharedFiles: cluster?.files, shares, closeShareSessions: gateway.closeShareSessions }));
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
    await store.close();
    throw err;
  }
  listening = true;
  const port = (http.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      listening = false;
      http.close();
      gateway.shutdown();
      await registry.closeAll();
      await cluster?.stop();
      await store.close();
      http.closeAllConnections();
    })());

  return { port, metrics, registry, gateway, cluster, stop };
}
