/**
 * The home page's requests (DESIGN.md, "Contract — workspace"), on the page's own server: the
 * session cookie or an open server decides what they see.
 */

export interface ListedDoc {
  name: string;
  title: string;
  updatedAt: string | null;
  /** With sign-in: the person's role in it. */
  role?: 'owner' | 'editor' | 'commenter' | 'viewer';
}

export interface SearchResult {
  name: string;
  title: string;
  snippet: string;
}

/** A page of the documents this person can open, newest first; null when the server says no (401/403). */
export async function listDocuments(cursor: string | null, limit = 20): Promise<{ documents: ListedDoc[]; cursor: string | null } | null> {
  const res = await fetch(`/api/docs?order=updated&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { cache: 'no-store' });
  if (!res.ok) return null;
  return (await res.json()) as { documents: ListedDoc[]; cursor: string | null };
}

/** Ranked matches; [] for a query the server refuses (nothing searchable in it). */
export async function searchDocuments(q: string, signal: AbortSignal): Promise<SearchResult[]> {
  const res = await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=20`, { cache: 'no-store', signal });
  if (!res.ok) return [];
  return ((await res.json()) as { results: SearchResult[] }).results;
}

/**
 * Deletes a document for everyone (its peers are closed with 4404; it cannot be undone).
 * `keepalive`: the request outlives the page when it is sent as the person leaves it.
 */
export async function deleteDocument(name: string): Promise<boolean> {
  const res = await fetch(`/api/docs/${encodeURIComponent(name)}`, { method: 'DELETE', keepalive: true });
  return res.ok;
}
