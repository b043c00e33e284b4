import { ImageBlobs } from '../../api/authorizedImages';

/**
 * Loads the uploaded images of a rendered document with the credential in a header and shows
 * them as blob: URLs, never with a token in their address. Returns what frees them.
 */
export function loadImages(root: HTMLElement | null, fetchInit: (url: string) => RequestInit | undefined): () => void {
  const blobs = new ImageBlobs(fetchInit);
  for (const img of root?.querySelectorAll('img') ?? []) {
    const src = img.getAttribute('src');
    if (!src?.includes('/files/')) continue;
    img.removeAttribute('src');
    blobs.load(src).then((blob) => (img.src = blob), () => img.setAttribute('data-loading', 'failed'));
  }
  return () => blobs.destroy();
}
