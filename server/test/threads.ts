// The threads of this test process, as Linux shows them.
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
