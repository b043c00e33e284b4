import type { KV } from '../kv/KV.js';
import { clusterKey } from '../keys.js';

/** Scale-out's bookkeeping per document (cluster/): what this instance holds of its shared log. */
export interface ClusterMarkStore {
  /** The document's cluster mark (opaque here), or undefined. */
  readClusterMark(name: string): Promise<string | undefined>;
  /**
   * Stores the document's cluster mark in the next group-committed batch, after every append
   * made before the call.
   */
  writeClusterMark(name: string, mark: string): Promise<void>;
}

/** Kind 'c': one mark per document. */
export class ClusterMarks implements ClusterMarkStore {
  constructor(private readonly kv: KV) {}

  async readClusterMark(name: string): Promise<string | undefined> {
    return (await this.kv.get(clusterKey(name)))?.toString('utf8');
  }

  writeClusterMark(name: string, mark: string): Promise<void> {
    return this.kv.write({ type: 'put', key: clusterKey(name), value: Buffer.from(mark, 'utf8') });
  }
}
