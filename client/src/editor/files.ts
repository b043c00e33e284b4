import { httpBaseFromWs } from './access';
import { fileFetchInit } from './authorizedImages';

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
 * Copies an image stored under another document into `document`: fetched from `from` (the address
 * it was copied from, with the token of whoever could see it there), uploaded here, and resolves
 * to its path here. A document must not show another one's files: those are deleted once that
 * document no longer refers to them (or with it), and this document's readers may not read it.
 */
export function adopter(wsUrl: string, document: string, token: string | undefined) {
  const upload = uploader(wsUrl, document, token);
  const failed = 'An image pasted from another document could not be copied into this one';
  return async (from: string): Promise<string> => {
    let res: Response;
    try {
      res = await fetch(from, fileFetchInit(wsUrl, token, from));
    } catch {
      throw new Error(`${failed}: the server cannot be reached.`);
    }
    if (!res.ok) throw new Error(`${failed} (${res.status === 404 ? 'it no longer exists' : `error ${res.status}`}).`);
    const blob = await res.blob();
    return upload(new File([blob], 'pasted image', { type: blob.type }));
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
