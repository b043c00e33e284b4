// The threads of this test process, as Linux shows them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of each thread of this process (field 19 of /proc/self/task/<tid>/stat). */
export function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

/**
 * Asserts that, since `before` (niceByThread's), exactly one new thread took the nice value
 * `nice` and the event loop's thread kept its own.
 */
export function assertOneThreadLowered(before: Map<number, number>, nice: number): void {
  const after = niceByThread();
  const lowered = [...after].filter(([tid, value]) => value === nice && before.get(tid) !== nice);
  assert.equal(lowered.length, 1, `one new thread at nice ${nice}: ${JSON.stringify([...after])}`);
  assert.equal(after.get(process.pid), before.get(process.pid), 'the event loop thread keeps its priority');
}
