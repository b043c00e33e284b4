import type { Logger } from '../logger.js';
import type { RedisLink } from './RedisLink.js';

/**
 * Runs one Redis step of a shared kind (cluster/shared*.ts); when Redis is down or the step
 * fails, logs and answers undefined, so that the caller goes on with this instance's copy.
 */
export async function sharedStep<T>(link: RedisLink, logger: Logger, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (!link.up) return undefined;
  try {
    return await fn();
  } catch (err) {
    logger.warn({ err: (err as Error).message }, `Redis: ${what} failed; answered from this instance's copy`);
    return undefined;
  }
}

/**
 * A read of a shared kind whose answer may be undefined: Redis's answer, or (Redis away, or gone
 * between `up` and the answer) this instance's copy.
 */
export async function redisOrLocal<T>(link: RedisLink, read: () => Promise<T>, local: () => Promise<T>): Promise<T> {
  if (link.up) {
    try {
      return await read();
    } catch {
      // this instance's copy answers
    }
  }
  return local();
}

/** A hash read with HGETALL as [field, value] pairs: RESP2 arrays or RESP3 maps, depending on the client. */
export function hashPairs(raw: unknown): Array<[unknown, unknown]> {
  if (Array.isArray(raw)) return raw.flatMap((v, i) => (i % 2 === 0 ? [[v, raw[i + 1]] as [unknown, unknown]] : []));
  return Object.entries((raw ?? {}) as Record<string, unknown>);
}
