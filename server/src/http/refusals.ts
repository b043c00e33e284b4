import { AuthError, CapacityError, DocumentTooLargeError, ProtocolError, UnavailableError } from '../errors.js';
import { CloseCode } from '../closeCodes.js';
import { DecodeError, type DecodeFailure } from '../protocol/messages.js';
import { RequestError } from './RequestError.js';
import { ConversionUnavailableError } from '../history/ConversionPool.js';
import { RateLimitedError } from '../history/namedVersionLimit.js';

/**
 * How the relay answers errors from the layers below: the one place that maps a decode failure
 * to a close code and a refusal to an HTTP status.
 */
/** What an undecodable frame is closed with. */
const DECODE_CLOSE: Record<DecodeFailure, CloseCode> = {
  unsupported: CloseCode.UnsupportedData,
  invalid: CloseCode.InvalidPayload,
};

/** The close code and reason for an error thrown while handling a frame. */
export function closeFor(err: unknown): { code: CloseCode; reason: string } | undefined {
  if (err instanceof DecodeError) return { code: DECODE_CLOSE[err.failure], reason: err.message };
  if (err instanceof ProtocolError) return { code: err.closeCode, reason: err.message };
  return undefined;
}

/**
 * The HTTP answer to a refused upgrade or request; undefined for an internal error.
 * `retryAfterSec`: send `Retry-After` (a conversion queue that is full).
 */
export function statusFor(err: unknown): { status: number; reason: string; retryAfterSec?: number } | undefined {
  if (err instanceof AuthError || err instanceof RequestError) return { status: err.status, reason: err.message };
  if (err instanceof DocumentTooLargeError) return { status: 413, reason: err.message };
  if (err instanceof RateLimitedError) return { status: 429, reason: err.message, retryAfterSec: err.retryAfterSec };
  if (err instanceof ConversionUnavailableError) return { status: 503, reason: err.message, ...(err.retryAfterSec ? { retryAfterSec: err.retryAfterSec } : {}) };
  if (err instanceof CapacityError || err instanceof UnavailableError) return { status: 503, reason: err.message };
  return undefined;
}

