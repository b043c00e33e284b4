// What every conversion shares, light enough for the worker to load before knowing its job:
// the error that blames the request, and reading a stored state into a Y.Doc.
import * as Y from 'yjs';

/**
 * Content that cannot be converted (bad Markdown/HTML/update): the request's fault, a 400, or
 * the status that says more (a .docx: 413 too large, 415 not one, 422 unreadable).
 */
export class ConversionError extends Error {
  override name = 'ConversionError';
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 | 422 = 400,
  ) {
    super(message);
  }
}

/** A stored state as a Y.Doc (the caller destroys it); one that does not decode is the request's fault. */
export function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, state);
  } catch (err) {
    doc.destroy();
    throw new ConversionError(`not a Yjs update: ${(err as Error).message}`);
  }
  return doc;
}
