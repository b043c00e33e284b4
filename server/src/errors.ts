import { CloseCode } from './closeCodes.js';

/** Base of the relay's errors: each carries what the connection or request should end with. */
export abstract class TandemError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A peer sent something we cannot accept; closes that connection with `closeCode`. */
export class ProtocolError extends TandemError {
  readonly code = 'PROTOCOL_ERROR';
  constructor(
    message: string,
    readonly closeCode: CloseCode = CloseCode.InvalidPayload,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Credentials missing, bad or expired (401), or not for this document (403). */
export class AuthError extends TandemError {
  readonly code = 'AUTH_ERROR';
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
  }
}

/** The server holds as many open documents as it may (`MAX_OPEN_DOCUMENTS`); the caller decides the answer. */
export class CapacityError extends TandemError {
  readonly code = 'TOO_MANY_DOCUMENTS';
}

/** A change would take a document past MAX_DOCUMENT_BYTES (an import or restore: HTTP 413). */
export class DocumentTooLargeError extends TandemError {
  readonly code = 'DOCUMENT_TOO_LARGE';
}

/** Something shared (Redis, with REDIS_URL) is needed and away; the caller may try again shortly (503). */
export class UnavailableError extends TandemError {
  readonly code = 'UNAVAILABLE';
}

/** The document store failed; never turned into an empty result. */
export class StorageError extends TandemError {
  constructor(
    message: string,
    readonly code: 'STORE_NOT_OPEN' | 'STORE_IO' | 'STORE_CORRUPT' = 'STORE_IO',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Invalid configuration: names the variable. */
export class ConfigError extends TandemError {
  readonly code = 'CONFIG_ERROR';
}

/** A change the review rules refuse (a Yjs import that rewrites someone else's comment): 403. */
export class RefusedChangeError extends Error {
  override name = 'RefusedChangeError';
}

export type RefusalStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 503;

/** The one spelling of each error code (`{ "error": "<code>", "reason": "<sentence>" }`). */
export const ERROR_CODE: Record<RefusalStatus, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** A refusal of an HTTP request: answered as JSON `{ error, reason }` with `status`. */
export class ApiError extends Error {
  readonly error: string;
  constructor(
    readonly status: RefusalStatus,
    reason: string,
    /** A more precise code than the status's own (`open_server`, `bad_content`). */
    error?: string,
  ) {
    super(reason);
    this.name = 'ApiError';
    this.error = error ?? ERROR_CODE[status];
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
