import { TandemError } from '../errors.js';

/** Too many requests of one kind: answered 429 with `Retry-After`. */
export class RateLimitedError extends TandemError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

/**
 * Named versions are never thinned and each stores a full copy of the document: per document,
 * a burst of NAMED_BURST, then one every NAMED_EVERY_MS (a person names a version now and then;
 * a script naming one per second would fill the disk, and Redis with REDIS_URL).
 */
export const NAMED_BURST = 5;
export const NAMED_EVERY_MS = 60_000;

export class NamedVersionLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one named version from `name`'s budget, or throws RateLimitedError. */
  take(name: string): void {
    const now = this.now();
    const b = this.buckets.get(name) ?? { tokens: NAMED_BURST, at: now };
    b.tokens = Math.min(NAMED_BURST, b.tokens + (now - b.at) / NAMED_EVERY_MS);
    b.at = now;
    if (b.tokens < 1) {
      throw new RateLimitedError(`too many named versions of this document; at most one every ${NAMED_EVERY_MS / 1000} s after ${NAMED_BURST}`, Math.ceil(((1 - b.tokens) * NAMED_EVERY_MS) / 1000));
    }
    b.tokens -= 1;
    this.buckets.set(name, b);
    // A full bucket is the default: forget it, so that the map holds only documents named lately.
    if (this.buckets.size > 10_000) for (const [k, v] of this.buckets) if (v.tokens + (now - v.at) / NAMED_EVERY_MS >= NAMED_BURST) this.buckets.delete(k);
  }
}
