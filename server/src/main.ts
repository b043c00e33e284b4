#!/usr/bin/env node
// Entry point: configuration, logger, server, signals. The only module with side effects.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopback, loadConfig, type Config } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

const here = dirname(fileURLToPath(import.meta.url));
// server/dist/main.js → the repository root is two levels up.
const root = resolve(here, '..', '..');

let config: Config;
try {
  config = loadConfig(process.env, root, resolve(root, 'client', 'dist'));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`tandem: invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
if (!config.authSecret) {
  if (isLoopback(config.host)) logger.info('AUTH_SECRET is not set: every document is open to anyone who can reach this port');
  else logger.warn({ host: config.host }, 'AUTH_SECRET is not set and HOST is not loopback: the server is open to anyone on the network');
}
if (!existsSync(resolve(config.clientDir, 'index.html'))) logger.warn({ clientDir: config.clientDir }, 'the client is not built: serving a placeholder page');

/**
 * How long a stop may take before the process gives up and exits 1 (every edit is on disk by
 * then; what a stop adds is the open documents' last versions and compaction). Within the
 * compose file's 30-s `stop_grace_period`: with a 20 MB document open, recording its last version
 * and compacting it took 6.1 s on a fast machine (2026-12-06) and past the former 10 s on a slow one.
 */
const SHUTDOWN_LIMIT_MS = 25_000;

try {
  const server = await startServer(config, logger);
  logger.info({ port: server.port, host: config.host, dataDir: config.dataDir, durability: config.durability }, `Tandem listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`);
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error(`shutdown took over ${SHUTDOWN_LIMIT_MS / 1000} s: exiting`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    timer.unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`tandem: invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
  logger.fatal({ err }, 'cannot start');
  process.exit(1);
}
