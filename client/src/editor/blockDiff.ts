import type { DocNode } from './api';

export interface Block {
  type: string;
  level: number;
  text: string;
}

export interface DiffLine extends Block {
  /** same: in both; removed: only in the current text (a restore takes it out); added: only in the version. */
  change: 'same' | 'added' | 'removed';
}

function textOf(node: DocNode): string {
  if (node.type === 'text') return node.text ?? '';
  const inline = (node.content ?? []).every((c) => c.type === 'text' || c.type === 'hardBreak');
  return (node.content ?? []).map((c) => (c.type === 'hardBreak' ? '\n' : textOf(c))).join(inline ? '' : '\n');
}

/** The top-level blocks of a document, as type and text. */
export function blocksOf(doc: DocNode): Block[] {
  return (doc.content ?? []).map((n) => ({ type: n.type, level: Number(n.attrs?.level ?? 0), text: textOf(n) }));
}

/**
 * The version's blocks against the current ones (longest common subsequence of whole blocks):
 * what a restore would bring back is `added`, what it would take out is `removed`.
 */
export function diffBlocks(current: Block[], version: Block[]): DiffLine[] {
  const key = (b: Block) => `${b.type}\u0000${b.level}\u0000${b.text}`;
  const a = current.map(key);
  const b = version.map(key);
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ ...version[j]!, change: 'same' });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push({ ...version[j++]!, change: 'added' });
    else out.push({ ...current[i++]!, change: 'removed' });
  }
  return out;
}
