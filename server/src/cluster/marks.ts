/**
 * What an instance records per document about the shared log (stored as the document's
 * cluster mark in LevelDB): the last stream id it holds, the Redis data set (epoch) that id
 * belongs to, and whether it holds edits the log may lack (written while Redis was away).
 */
export interface ClusterMark {
  /** Last stream id held ('0-0': none). */
  readonly id: string;
  readonly epoch: string;
  /** Edits made here may be missing from Redis: reconcile by state-vector diff before trusting `id`. */
  readonly dirty: boolean;
}

export function parseMark(text: string | undefined): ClusterMark | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<ClusterMark>;
    if (typeof v.id === 'string' && /^\d+-\d+$/.test(v.id) && typeof v.epoch === 'string') return { id: v.id, epoch: v.epoch, dirty: v.dirty === true };
  } catch {
    // An unreadable mark is treated as none: the document is reconciled in full, which is always safe.
  }
  return undefined;
}

export function formatMark(mark: ClusterMark): string {
  return JSON.stringify(mark);
}
