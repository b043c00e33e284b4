import type { TandemAccess } from './types';

/** `ws://host:port/prefix` → `http://host:port/prefix` (and wss → https). */
export function httpBaseFromWs(wsUrl: string): string {
  return wsUrl.replace(/^ws(s?):\/\//i, 'http$1://').replace(/\/+$/, '');
}

export function accessUrl(wsUrl: string, document: string, token: string | undefined): string {
  const base = `${httpBaseFromWs(wsUrl)}/api/access/${encodeURIComponent(document)}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}

/**
 * Browsers only see a failed socket, never the HTTP status of a refused upgrade, so the editor
 * asks the server why. Resolves to `null` when the server cannot be reached (we are offline,
 * not denied) or does not answer in a way we understand.
 */
export async function fetchAccess(
  wsUrl: string,
  document: string,
  token: string | undefined,
  signal: AbortSignal,
): Promise<TandemAccess | null> {
  let res: Response;
  try {
    res = await fetch(accessUrl(wsUrl, document, token), { signal, cache: 'no-store' });
  } catch {
    return null; // unreachable: the caller keeps showing "offline" and retrying
  }
  const body = (await res.json().catch(() => ({}))) as { mode?: unknown; reason?: unknown; error?: unknown };
  const reason = String(body.reason ?? body.error ?? res.statusText ?? '');
  if (res.ok) {
    return body.mode === 'read' || body.mode === 'write' ? { kind: 'granted', mode: body.mode } : null;
  }
  if (res.status === 401) {
    return /expir/i.test(reason) ? { kind: 'expired', reason } : { kind: 'denied', reason };
  }
  if (res.status === 403) return { kind: 'denied', reason };
  return null;
}
