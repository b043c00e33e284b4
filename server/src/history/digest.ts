// A state's digest (what versions compare to skip a copy that changes nothing): the one job the
// server runs at every stop and idle pause, so its module loads without the export formats'
// libraries (happy-dom alone takes half a second to load).
import { createHash } from 'node:crypto';
import { FRAGMENT, TITLE } from '@tandem/schema';
import { docOf } from './conversion.js';
import { fragmentToJSON } from './yjsJson.js';

export interface Digest {
  /** Of the content (not of the Yjs history): identical content, identical hash. */
  hash: string;
  title: string;
}

export function digest(state: Uint8Array): Digest {
  const doc = docOf(state);
  try {
    const json = fragmentToJSON(doc.getXmlFragment(FRAGMENT));
    // The title is its own root (DESIGN.md, "Contract — workspace"), part of what a version holds.
    const title = doc.share.has(TITLE) ? doc.getText(TITLE).toString() : '';
    const hash = createHash('sha256').update(JSON.stringify(json));
    // Untitled documents hash as they did before titles existed (no spurious new version).
    if (title !== '') hash.update('\u0000').update(title);
    return {
      hash: hash.digest('base64url'),
      title,
    };
  } finally {
    doc.destroy();
  }
}
