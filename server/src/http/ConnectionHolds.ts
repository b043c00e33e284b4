import { DocumentsPerCredential } from './DocumentsPerCredential.js';
import { RequestError } from './RequestError.js';

/** The places one connection takes: one of its address's, and its credential's hold on the document. */
export interface Hold {
  readonly ip: string;
  readonly key: string;
  readonly name: string;
}

/**
 * The places upgrades take under MAX_CONNECTIONS_PER_IP and MAX_DOCUMENTS_PER_CREDENTIAL, held
 * for as long as their connection lasts and given back when it ends (or when the upgrade fails).
 */
export class ConnectionHolds {
  private readonly perIp = new Map<string, number>();
  private readonly perCredential: DocumentsPerCredential;

  constructor(
    private readonly maxPerIp: number,
    maxDocumentsPerCredential: number,
  ) {
    this.perCredential = new DocumentsPerCredential(maxDocumentsPerCredential);
  }

  /** Takes the places for `name` from `ip` with `token`; past either limit nothing is taken and the refusal (429) is thrown. */
  take(ip: string, token: string | undefined, name: string): Hold {
    const count = this.perIp.get(ip) ?? 0;
    if (count >= this.maxPerIp) throw new RequestError('too many connections from this address', 429);
    const key = DocumentsPerCredential.keyOf(token, ip);
    if (!this.perCredential.take(key, name)) throw new RequestError('too many documents open with this credential', 429);
    this.perIp.set(ip, count + 1);
    return { ip, key, name };
  }

  give(hold: Hold): void {
    const n = (this.perIp.get(hold.ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(hold.ip);
    else this.perIp.set(hold.ip, n);
    this.perCredential.give(hold.key, hold.name);
  }
}
