import * as Y from 'yjs';

/**
 * An uploaded file's URL as documents hold it: `/files/<name>/<sha256>` (DESIGN.md, HTTP API),
 * also inside a full URL or with a `?token=`. Any name segment counts: an escaping other than
 * `encodeURIComponent`'s, or another document's path, keeps a file rather than losing it.
 */
const FILE_URL = /\/files\/[^/\s"'<>?#]+\/([0-9a-f]{64})(?![0-9a-f])/g;

/**
 * The SHA-256 of every uploaded file a Yjs update (a whole document state, or a version's body)
 * refers to through a live value: any attribute of any element (an image's `src`), a mark's
 * attributes (a link's `href`), map and array values, embeds, and text, in every root type, so
 * that a host's own node carrying a file URL keeps it too. Deleted content does not count.
 *
 * It reads the update's structs rather than building a Y.Doc: cheaper, and it sees root types
 * nobody asked for by name. Text typed in several pieces is joined per run of one client's
 * consecutive items before it is searched.
 */
export function fileRefs(update: Uint8Array): Set<string> {
  const found = new Set<string>();
  const search = (text: string): void => {
    if (!text.includes('/files/')) return;
    for (const m of text.matchAll(FILE_URL)) found.add(m[1]!);
  };
  const { structs, ds } = Y.decodeUpdate(update);
  let run = '';
  let next: { client: number; clock: number } | undefined;
  const flush = (): void => {
    search(run);
    run = '';
    next = undefined;
  };
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || Y.isDeleted(ds, struct.id)) {
      flush();
      continue;
    }
    const content = struct.content;
    if (content instanceof Y.ContentString) {
      if (!next || next.client !== struct.id.client || next.clock !== struct.id.clock) flush();
      run += content.str;
      next = { client: struct.id.client, clock: struct.id.clock + struct.length };
      continue;
    }
    flush();
    if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
      for (const value of content.arr as unknown[]) searchValue(value, search);
    } else if (content instanceof Y.ContentFormat) {
      searchValue(content.value, search);
    } else if (content instanceof Y.ContentEmbed) {
      searchValue(content.embed, search);
    }
  }
  flush();
  return found;
}

function searchValue(value: unknown, search: (text: string) => void): void {
  if (typeof value === 'string') search(value);
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) search(JSON.stringify(value));
}
