import type { Attributed, DeletedRun } from '../storage/kinds/authorship.js';

/** Who inserted or deleted an item, as an index into the result's authors. */
export class Attribution {
  readonly authors: Attributed[] = [];
  private readonly index = new Map<string, number>();
  private readonly clients: Map<number, Attributed>;
  private readonly runs = new Map<number, DeletedRun[]>();

  constructor(input: { clients: Iterable<[number, Attributed]>; deletions: readonly DeletedRun[] }) {
    this.clients = new Map(input.clients);
    for (const run of input.deletions) {
      let list = this.runs.get(run.client);
      if (!list) this.runs.set(run.client, (list = []));
      list.push(run);
    }
    for (const list of this.runs.values()) list.sort((x, y) => x.clock - y.clock);
  }

  private of(who: Attributed | undefined): number {
    const w = who ?? { id: null, name: 'Unknown' };
    const key = `${w.id ?? ''}\u0000${w.name}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.authors.push(w) - 1;
      this.index.set(key, i);
    }
    return i;
  }

  inserter(client: number): number {
    return this.of(this.clients.get(client));
  }

  /** The author of an unrecorded deletion: patched once the change it belongs to is known. */
  get unknown(): number {
    return this.of(undefined);
  }

  /**
   * Who deleted the item (client, clock), and for how many items from it on the answer holds
   * (at most `length`); `author` undefined when no deletion of it was recorded.
   */
  deleter(client: number, clock: number, length: number): { author: number | undefined; length: number } {
    const list = this.runs.get(client);
    if (!list) return { author: undefined, length };
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.clock <= clock) lo = mid + 1;
      else hi = mid;
    }
    // Runs of one client rarely overlap (an item deleted twice): the few below the clock decide.
    for (let i = lo - 1; i >= Math.max(0, lo - 16); i--) {
      const run = list[i]!;
      if (run.clock + run.length > clock) return { author: this.of(run.by), length: Math.min(length, run.clock + run.length - clock) };
    }
    const next = list[lo];
    return { author: undefined, length: next ? Math.min(length, next.clock - clock) : length };
  }
}
