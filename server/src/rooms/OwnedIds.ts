/**
 * The awareness client IDs one owner set: almost always exactly one (a browser tab), so one ID
 * is kept as a number and a Set is made only for a second one. A Set costs ~150 bytes, and an
 * idle connection's whole footprint is a few KB (bench scenario B).
 */
export class OwnedIds {
  private ids: number | Set<number> | undefined;

  add(id: number): void {
    if (this.ids === undefined || this.ids === id) this.ids = id;
    else if (typeof this.ids === 'number') this.ids = new Set([this.ids, id]);
    else this.ids.add(id);
  }

  delete(id: number): void {
    if (this.ids === id) this.ids = undefined;
    else if (typeof this.ids === 'object') this.ids.delete(id);
  }

  get size(): number {
    return this.ids === undefined ? 0 : typeof this.ids === 'number' ? 1 : this.ids.size;
  }

  has(id: number): boolean {
    return this.ids === id || (typeof this.ids === 'object' && this.ids.has(id));
  }

  /** A copy: the caller may delete while it walks. */
  list(): number[] {
    return this.ids === undefined ? [] : typeof this.ids === 'number' ? [this.ids] : [...this.ids];
  }

  clear(): void {
    this.ids = undefined;
  }
}
