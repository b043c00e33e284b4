/** The share-link API (DESIGN.md, "Contract — access") as the app's Share dialog uses it. */
export interface ShareLink {
  id: string;
  mode: 'read' | 'write';
  expiresAt: string | null;
  path: string;
}

export type ShareList =
  | { kind: 'links'; links: ShareLink[] }
  /** The server runs without AUTH_SECRET: anyone with the plain link can edit. */
  | { kind: 'open' }
  /** Our token cannot manage links (read access). */
  | { kind: 'viewer' }
  | { kind: 'error'; reason: string };

function sharesUrl(name: string, id?: string): string {
  return `/api/docs/${encodeURIComponent(name)}/shares${id ? `/${encodeURIComponent(id)}` : ''}`;
}

function headers(token: string | undefined): Record<string, string> {
  return { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

async function reasonOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => ({}))) as { reason?: unknown };
  return typeof body.reason === 'string' ? body.reason : `error ${res.status}`;
}

export async function listShares(name: string, token: string | undefined): Promise<ShareList> {
  let res: Response;
  try {
    res = await fetch(sharesUrl(name), { headers: headers(token), cache: 'no-store' });
  } catch {
    return { kind: 'error', reason: 'The server cannot be reached.' };
  }
  if (res.status === 409) return { kind: 'open' };
  if (res.status === 403) return { kind: 'viewer' };
  if (!res.ok) return { kind: 'error', reason: await reasonOf(res) };
  const body = (await res.json()) as { shares: ShareLink[]; open?: boolean };
  if (body.open === true) return { kind: 'open' };
  return { kind: 'links', links: body.shares };
}

export async function createShare(name: string, token: string | undefined, mode: 'read' | 'write', expiresInSeconds: number | undefined): Promise<ShareLink> {
  const res = await fetch(sharesUrl(name), {
    method: 'POST',
    headers: headers(token),
    body: JSON.stringify(expiresInSeconds === undefined ? { mode } : { mode, expiresInSeconds }),
  });
  if (!res.ok) throw new Error(await reasonOf(res));
  return (await res.json()) as ShareLink;
}

export async function revokeShare(name: string, token: string | undefined, id: string): Promise<void> {
  const res = await fetch(sharesUrl(name, id), { method: 'DELETE', headers: headers(token) });
  if (!res.ok && res.status !== 404) throw new Error(await reasonOf(res));
}
