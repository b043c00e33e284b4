import { createHash } from 'node:crypto';

/**
 * How many distinct documents one credential holds open through WebSockets on this instance. A
 * read link on a prefix, or an open server, would otherwise let one caller open documents by the
 * thousand through random names and fill MAX_OPEN_DOCUMENTS for everyone.
 */
export class DocumentsPerCredential {
  /** credential key → document → connections holding it */
  private readonly held = new Map<string, Map<string, number>>();

  constructor(private readonly max: number) {}

  /**
   * Who holds documents: the token (hashed: never kept or logged as it is), or the address when
   * there is none (the open server).
   */
  static keyOf(token: string | undefined, ip: string): string {
    return token === undefined ? `ip:${ip}` : `t:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
  }

  /** Takes a connection's hold on `name`; false when it would be the credential's max+1th document. */
  take(key: string, name: string): boolean {
    let docs = this.held.get(key);
    const count = docs?.get(name) ?? 0;
    if (count === 0 && (docs?.size ?? 0) >= this.max) return false;
    if (!docs) this.held.set(key, (docs = new Map()));
    docs.set(name, count + 1);
    return true;
  }

  give(key: string, name: string): void {
    const docs = this.held.get(key);
    const count = docs?.get(name);
    if (!docs || count === undefined) return;
    if (count > 1) docs.set(name, count - 1);
    else {
      docs.delete(name);
      if (docs.size === 0) this.held.delete(key);
    }
  }
}
