import { httpBaseFromWs } from './access';

/** A document's HTTP API URL (`path` after /api/docs/<name>), with the viewer's token. */
export function docApiUrl(wsUrl: string, document: string, path: string, token: string | undefined, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params);
  if (token) query.set('token', token);
  const q = query.toString();
  return `${httpBaseFromWs(wsUrl)}/api/docs/${encodeURIComponent(document)}${path}${q ? `?${q}` : ''}`;
}

/** Calls the API; rejects with the server's reason in words. */
export async function apiCall<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new Error((json as { reason?: string } | undefined)?.reason ?? `${res.status} ${res.statusText}`);
  return json as T;
}

export interface VersionInfo {
  id: string;
  name: string | null;
  createdAt: string;
  authors: Array<{ name: string; verified: boolean }>;
}

/** ProseMirror JSON as the export gives it. */
export interface DocNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: DocNode[];
  text?: string;
}
