// A bounded in-memory map evicting the oldest entry: least recently USED when `lru` is set (a hit
// moves the entry to the back), else first-in-first-out (cheaper: no reordering on hits).
// Used for committed trie nodes and committed state values; both are only ever updated by
// CommitStore.commit, so a cached entry is never stale.
export class BoundedCache<V> {
  readonly #max: number;
  readonly #lru: boolean;
  readonly #map = new Map<string, V>();

  /** `max` = 0 disables the cache. */
  constructor(max: number, opts: { lru?: boolean } = {}) {
    this.#lru = opts.lru === true;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`cache size must be a non-negative integer, got ${max}`);
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    const map = this.#map;
    const value = map.get(key);
    if (value !== undefined && this.#lru) {
      map.delete(key);
      map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.#max === 0) return;
    const map = this.#map;
    if (!map.has(key) && map.size >= this.#max) {
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  /** Replaces the entry only if present (keeps the cache from filling with written-once keys). */
  update(key: string, value: V): void {
    if (this.#map.has(key)) this.#map.set(key, value);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
