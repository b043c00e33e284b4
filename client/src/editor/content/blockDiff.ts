import type { DocNode } from '../api/TandemApi';

export interface DiffBlock {
  node: DocNode;
  /**
   * As Google Docs shows a version's changes: `added` is in this version and was not in the one
   * before (shown green), `removed` was in the one before and is gone here (struck through).
   */
  change: 'same' | 'added' | 'removed';
}

/**
 * A version's top-level blocks against those of the version before it (longest common
 * subsequence of whole blocks, attributes and marks included), in reading order; without a
 * version before it, every block is `same`.
 */
export function diffBlocks(before: DocNode | null, version: DocNode): DiffBlock[] {
  const b = version.content ?? [];
  if (!before) return b.map((node) => ({ node, change: 'same' }));
  const a = before.content ?? [];
  const ka = a.map((n) => JSON.stringify(n));
  const kb = b.map((n) => JSON.stringify(n));
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = ka[i] === kb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffBlock[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) {
      out.push({ node: b[j]!, change: 'same' });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push({ node: a[i++]!, change: 'removed' });
    else out.push({ node: b[j++]!, change: 'added' });
  }
  return out;
}
