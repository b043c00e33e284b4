import type { KV } from '../kv/KV.js';
import { shareKey, shareRange } from '../keys.js';

/** A share link (DESIGN.md, "Contract — access"): kept by the server so that it can be listed and revoked. */
export interface ShareRecord {
  id: string;
  mode: 'read' | 'comment' | 'write';
  createdAt: number;
  /** ms since the epoch; null: never */
  expiresAt: number | null;
  /** The creator's name from their token, if it had one (never put in the link's token). */
  creator: string | null;
}

/** A document's share links (shares/). */
export interface ShareStore {
  /** Stores (or replaces) a share link's record in the next group-committed batch. */
  putShare(name: string, share: ShareRecord): Promise<void>;
  /** The document's share links, by id. */
  listShares(name: string): Promise<ShareRecord[]>;
  /** One link's record, or undefined. */
  getShare(name: string, id: string): Promise<ShareRecord | undefined>;
  /** Removes a share link's record in the next group-committed batch. */
  deleteShare(name: string, id: string): Promise<void>;
}

const decode = (value: Buffer): ShareRecord => JSON.parse(value.toString('utf8')) as ShareRecord;

/** Kind 'l': one JSON record per link, by id. */
export class ShareLinks implements ShareStore {
  constructor(private readonly kv: KV) {}

  putShare(name: string, share: ShareRecord): Promise<void> {
    return this.kv.write({ type: 'put', key: shareKey(name, share.id), value: Buffer.from(JSON.stringify(share)) });
  }

  async listShares(name: string): Promise<ShareRecord[]> {
    return (await this.kv.values(shareRange(name))).map(decode);
  }

  async getShare(name: string, id: string): Promise<ShareRecord | undefined> {
    const value = await this.kv.get(shareKey(name, id));
    return value && decode(value);
  }

  deleteShare(name: string, id: string): Promise<void> {
    return this.kv.write({ type: 'del', key: shareKey(name, id) });
  }
}
