/**
 * Values made asynchronously, by key, each made once and shared by every caller that asks while it is being
 * made. A value whose making fails is forgotten, so the next call tries again. Beyond `max` keys the cache
 * starts again.
 */
export class PromiseCache<K, V> {
  private readonly entries = new Map<K, Promise<V>>();

  constructor(private readonly max = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value for `key`, made with `make` unless it is made or being made. */
  get(key: K, make: () => Promise<V>): Promise<V> {
    let value = this.entries.get(key);
    if (!value) {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, (value = make()));
      const made = value;
      made.catch(() => this.entries.get(key) === made && this.entries.delete(key));
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
