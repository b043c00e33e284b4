import { ApiError, AuthError, CapacityError, DocumentTooLargeError, ERROR_CODE, ProtocolError, UnavailableError, RefusedChangeError, type RefusalStatus } from '../errors.js';
import { CloseCode } from '../closeCodes.js';
import { ConversionError } from '../history/conversion.js';
import { NotFoundError } from '../history/DocumentService.js';
import { DecodeError, type DecodeFailure } from '../protocol/messages.js';
import { RequestError } from './RequestError.js';
import { ConversionUnavailableError } from '../history/ConversionPool.js';
import { RateLimitedError } from '../history/namedVersionLimit.js';

/**
 * How the relay answers errors from the layers below: the one place that maps a decode failure
 * to a close code and a refusal to an HTTP status and its JSON body.
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

export { ApiError, ERROR_CODE, type RefusalStatus } from '../errors.js';

export interface Refusal {
  status: RefusalStatus;
  error: string;
  reason: string;
  /** Send `Retry-After` (a conversion queue that is full, a rate limit). */
  retryAfterSec?: number;
}

/** The HTTP answer to a refused upgrade or request; undefined for an internal error (500). */
export function refusalOf(err: unknown): Refusal | undefined {
  const as = (status: RefusalStatus, reason: string, error = ERROR_CODE[status]): Refusal => ({ status, error, reason });
  if (err instanceof ApiError) return as(err.status, err.message, err.error);
  if (err instanceof RateLimitedError) return { ...as(429, err.message), retryAfterSec: err.retryAfterSec };
  if (err instanceof ConversionUnavailableError) return { ...as(503, err.message), ...(err.retryAfterSec ? { retryAfterSec: err.retryAfterSec } : {}) };
  if (err instanceof AuthError || err instanceof RequestError) return as(err.status, err.message);
  if (err instanceof CapacityError || err instanceof UnavailableError) return as(503, err.message);
  if (err instanceof NotFoundError) return as(404, err.message);
  if (err instanceof ConversionError) return err.status === 400 ? as(400, err.message, 'bad_content') : as(err.status, err.message);
  if (err instanceof DocumentTooLargeError) return as(413, err.message);
  if (err instanceof RefusedChangeError) return as(403, err.message);
  return undefined;
}
