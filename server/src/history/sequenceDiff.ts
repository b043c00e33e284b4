/** One step of an edit script: `a[i]` kept as `b[j]`, `a[i]` deleted, or `b[j]` inserted. */
export type DiffOp = { op: 'same'; i: number; j: number } | { op: 'del'; i: number } | { op: 'ins'; j: number };

/**
 * Past this many differences the rest is answered as "all of a replaced by all of b" (compare
 * then pairs what it can): Myers' trace grows with its square.
 */
export const MAX_DIFFERENCES = 3000;

/**
 * The shortest edit script from `a` to `b` (Myers' O((N+M)·D) algorithm, after the common
 * prefix and suffix are set aside), compared by ===.
 */
export function diffSequences<T>(a: readonly T[], b: readonly T[], maxDifferences = MAX_DIFFERENCES): DiffOp[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const head: DiffOp[] = [];
  for (let k = 0; k < start; k++) head.push({ op: 'same', i: k, j: k });
  const middle = myers(a, b, start, endA, endB, maxDifferences);
  const tail: DiffOp[] = [];
  for (let i = endA, j = endB; i < a.length; i++, j++) tail.push({ op: 'same', i, j });
  return head.concat(middle, tail);
}

function replaced(start: number, endA: number, endB: number): DiffOp[] {
  const out: DiffOp[] = [];
  for (let i = start; i < endA; i++) out.push({ op: 'del', i });
  for (let j = start; j < endB; j++) out.push({ op: 'ins', j });
  return out;
}

function myers<T>(a: readonly T[], b: readonly T[], start: number, endA: number, endB: number, maxD: number): DiffOp[] {
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return replaced(start, endA, endB);
  const max = Math.min(n + m, maxD);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    // Only diagonals -d..d are read back: keep that slice of v.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) x++, y++;
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m, start);
    }
  }
  return replaced(start, endA, endB);
}

function backtrack(trace: Int32Array[], dEnd: number, n: number, m: number, start: number): DiffOp[] {
  const out: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!;
    // v holds diagonals -d-1..d+1 of the state before step d.
    const at = (k: number) => v[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ op: 'same', i: start + --x, j: start + --y });
    if (x === prevX) out.push({ op: 'ins', j: start + --y });
    else out.push({ op: 'del', i: start + --x });
  }
  while (x > 0 && y > 0) out.push({ op: 'same', i: start + --x, j: start + --y });
  return out.reverse();
}
