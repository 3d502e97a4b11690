/**
 * A small least-recently-used memo: a run keeps the last few rollouts it rebuilt (calls, samples,
 * decoded text), so paging through one sample's tokens does not rebuild it per page.
 */
export class LruMemo {
  private readonly entries = new Map<string, { key: string; value: unknown }>();

  constructor(private readonly capacity: number) {}

  /** The value stored under `name` when its validity `key` is unchanged, else `make()`'s. */
  get<T>(name: string, key: string, make: () => T): T {
    const hit = this.entries.get(name);
    if (hit !== undefined && hit.key === key) {
      this.entries.delete(name);
      this.entries.set(name, hit);
      return hit.value as T;
    }
    const value = make();
    this.entries.delete(name);
    this.entries.set(name, { key, value });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /** Drops `name`, so the next `get` makes it again (a result that should not be kept). */
  forget(name: string): void {
    this.entries.delete(name);
  }
}
