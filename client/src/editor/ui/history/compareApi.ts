import { TandemApi, type DocNode } from '../../api/TandemApi';

/** Who a change is attributed to: an identity's id and verified name, or a name typed (id null). */
export interface CompareAuthor {
  id: string | null;
  name: string;
}

/** One change to step through: its authors (indexes into `authors`) and excerpts of its text. */
export interface CompareChange {
  id: number;
  authors: number[];
  inserted: string;
  deleted: string;
}

/**
 * The answer of `GET /api/docs/<name>/compare`: the newer document with what the older one had
 * put back, marked `compareInsertion` / `compareDeletion` { author: index, change: id }.
 */
export interface Comparison {
  doc: DocNode;
  authors: CompareAuthor[];
  changes: CompareChange[];
}

/** Compares version `from` with version `to` or with the document now (needs write, as version history). */
export async function fetchComparison(url: string, token: string | undefined, document: string, from: string, to: string): Promise<Comparison> {
  const res = await TandemApi.forServer(url, token).request('GET', `/api/docs/${encodeURIComponent(document)}/compare`, { query: { from, to } });
  return (await res.json()) as Comparison;
}
