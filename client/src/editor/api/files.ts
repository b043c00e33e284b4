import { ApiFailure, type DocApi } from './TandemApi';

/**
 * Uploads an image through the API and resolves to the path the document stores. Rejects with
 * the server's reason, in words.
 */
export function uploader(api: DocApi) {
  return async (file: File): Promise<string> => {
    try {
      return await api.upload(file);
    } catch (err) {
      if (err instanceof ApiFailure && err.unreachable) throw new Error(`“${file.name}” could not be uploaded: the server cannot be reached`);
      throw new Error(`“${file.name}” was not uploaded: ${(err as Error).message}`);
    }
  };
}

/**
 * Copies an image stored under another document into this one: fetched from `from` (the address
 * it was copied from, with the token of whoever could see it there), uploaded here, and resolves
 * to its path here. A document must not show another one's files: those are deleted once that
 * document no longer refers to them (or with it), and this document's readers may not read it.
 */
export function adopter(api: DocApi, fetchInit: (url: string) => RequestInit | undefined) {
  const upload = uploader(api);
  const failed = 'An image pasted from another document could not be copied into this one';
  return async (from: string): Promise<string> => {
    let res: Response;
    try {
      res = await fetch(from, fetchInit(from));
    } catch {
      throw new Error(`${failed}: the server cannot be reached.`);
    }
    if (!res.ok) throw new Error(`${failed} (${res.status === 404 ? 'it no longer exists' : `error ${res.status}`}).`);
    const blob = await res.blob();
    return upload(new File([blob], 'pasted image', { type: blob.type }));
  };
}
