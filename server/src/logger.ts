import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** The one place a logger is made; everything else receives it. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
