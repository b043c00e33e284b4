import { httpBaseFromWs } from './TandemApi';

/**
 * Images of a protected document, shown without ever putting the viewer's token into a URL
 * (DESIGN.md, contract "hardening"). The document stores `/files/<name>/<sha256>`; the editor's
 * HTML (and so ProseMirror's clipboard serializer, and any copy pasted into mail or chat) gets
 * the plain address on the server's origin; what is on screen is a `blob:` URL of the bytes
 * fetched with `Authorization: Bearer`. A token in the `src` used to travel with every copy —
 * a prefix write token, or a share link's long-lived token.
 */

/** How a stored image path is written in the editor's HTML: on the server's origin, without any credential. */
export function imageUrl(wsUrl: string): (src: string) => string {
  const base = httpBaseFromWs(wsUrl);
  return (src) => (src.startsWith('/files/') ? `${base}${src}` : src);
}

/**
 * Fetch options for `url`: the token goes in a header, and only to this server's own files (a
 * pasted image may point anywhere, and its address must never receive the token).
 */
export function fileFetchInit(wsUrl: string, token: string | undefined, url: string): RequestInit | undefined {
  const own = `${httpBaseFromWs(wsUrl)}/files/`;
  return token && url.startsWith(own) ? { headers: { authorization: `Bearer ${token}` } } : undefined;
}

/** Each image fetched once per editor, its `blob:` URL shared by every node showing it, revoked with the editor. */
export class ImageBlobs {
  private readonly urls = new Map<string, Promise<string>>();
  private destroyed = false;

  constructor(private readonly init: (url: string) => RequestInit | undefined) {}

  load(url: string): Promise<string> {
    let loading = this.urls.get(url);
    if (!loading) {
      loading = fetch(url, this.init(url)).then(async (res) => {
        if (!res.ok) throw new Error(`image answered ${res.status}`);
        const blob = URL.createObjectURL(await res.blob());
        if (this.destroyed) URL.revokeObjectURL(blob);
        return blob;
      });
      // A failure is not kept: the next render of the image tries again.
      loading.catch(() => this.urls.delete(url));
      this.urls.set(url, loading);
    }
    return loading;
  }

  destroy(): void {
    this.destroyed = true;
    for (const loading of this.urls.values()) loading.then((u) => URL.revokeObjectURL(u), () => undefined);
    this.urls.clear();
  }
}
