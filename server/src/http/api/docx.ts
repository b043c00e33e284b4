import type { ImportMode } from '../../history/formatTypes.js';
import type { ApiRequest } from './context.js';
import { keepFile } from './files.js';

/**
 * `PUT …/import` of a .docx: its images become the document's files (as uploads do) before the
 * change that shows them; the answer carries `notes`, what did not come in as it was (images
 * left out, Word comments, tracked changes accepted).
 */
export async function importDocx(r: ApiRequest, body: Uint8Array, mode: ImportMode): Promise<void> {
  const { config } = r.deps;
  const limits = { maxBytes: config.maxDocumentBytes, maxFileBytes: config.maxFileBytes };
  const { notes } = await r.deps.docs.importDocx(r.name, body, mode, limits, async (files) => {
    for (const f of files) await keepFile(r.deps, r.name, f.sha256, f.bytes);
  });
  const m = await r.deps.docs.meta(r.name);
  r.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ name: r.name, peers: m.peers, notes }) + '\n');
}
