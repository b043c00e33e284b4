import { httpBaseFromWs } from './access';

/**
 * Uploads an image to `POST /api/docs/<name>/files` (raw bytes; the server recognises the type by
 * them) and resolves to the path the document stores. Rejects with the server's reason.
 */
export function uploader(wsUrl: string, document: string, token: string | undefined) {
  return async (file: File): Promise<string> => {
    let res: Response;
    try {
      res = await fetch(`${httpBaseFromWs(wsUrl)}/api/docs/${encodeURIComponent(document)}/files`, {
        method: 'POST',
        body: file,
        headers: { 'content-type': file.type || 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    } catch {
      throw new Error(`“${file.name}” could not be uploaded: the server cannot be reached`);
    }
    const body = (await res.json().catch(() => ({}))) as { path?: unknown; reason?: unknown };
    if (!res.ok || typeof body.path !== 'string') {
      throw new Error(`“${file.name}” was not uploaded: ${typeof body.reason === 'string' ? body.reason : `error ${res.status}`}`);
    }
    return body.path;
  };
}

/**
 * How this viewer displays a stored image path: on the server's origin (an embedding page has
 * another one), with the viewer's own token (the document never holds one).
 */
export function displaySrc(wsUrl: string, token: string | undefined) {
  const base = httpBaseFromWs(wsUrl);
  return (src: string): string => {
    if (!src.startsWith('/files/')) return src;
    return `${base}${src}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  };
}
