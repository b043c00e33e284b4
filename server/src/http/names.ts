import { RequestError } from './RequestError.js';

export const MAX_NAME_BYTES = 512;
// C0 and C1 controls and DEL: never in a name, so 0x00 can separate keys in storage.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Validates a decoded document name: 1–512 bytes of UTF-8, no control characters. */
export function validateName(name: string): string {
  if (name.length === 0) throw new RequestError('document name is empty', 400);
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) throw new RequestError(`document name is over ${MAX_NAME_BYTES} bytes`, 400);
  if (CONTROL.test(name)) throw new RequestError('document name contains control characters', 400);
  if (LONE_SURROGATE.test(name)) throw new RequestError('document name is not valid UTF-8', 400);
  return name;
}

/** Percent-decodes once; a bad escape or invalid UTF-8 is a 400. */
export function decodeName(encoded: string): string {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new RequestError('document name has a bad percent-escape or invalid UTF-8', 400);
  }
  return validateName(name);
}

/** Splits a request target into path and query without trusting the Host header. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  return q < 0
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1)) };
}
