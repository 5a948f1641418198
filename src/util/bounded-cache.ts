// A bounded in-memory map evicting the oldest entry: least recently USED when `lru` is set (a hit
// moves the entry to the back), else first-in-first-out (cheaper: no reordering on hits).
// Used for committed trie nodes and state values (only ever updated by CommitStore.commit, so a
// cached entry is never stale), and for the memos of pure functions on the tx path (decoded txs,
// verified signatures, addresses).
//
// While the cache is full, the oldest entry is found with one iterator over the map's keys, kept
// from one eviction to the next. V8 keeps a Map's entries in insertion order in a table where a
// deleted entry leaves a hole until the table is rebuilt; a fresh `keys().next()` for every
// eviction walked over all the holes that earlier evictions had left at the front (about 4 µs an
// eviction at 16,000 entries and 25-30 µs at 100,000, against 0.3-0.9 µs this way). A live
// iterator skips entries deleted after it was made and visits entries added after it, so it
// always stands at the oldest entry. But a live iterator also keeps every table the map has
// outgrown alive, with their entries, until it next moves (a first version kept one from the
// start and leaked about 100 MiB a minute in the soak): so it exists only while evictions move it
// at every insertion, and is dropped whenever an entry leaves otherwise (delete, clear, an LRU hit).
export class BoundedCache<V> {
  readonly #max: number;
  readonly #lru: boolean;
  readonly #map = new Map<string, V>();
  #oldest: IterableIterator<string> | undefined;

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
      this.#oldest = undefined;
    }
    return value;
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  set(key: string, value: V): void {
    if (this.#max === 0) return;
    const map = this.#map;
    if (!map.has(key) && map.size >= this.#max) this.#evictOldest();
    map.set(key, value);
  }

  /** Replaces the entry only if present (keeps the cache from filling with written-once keys). */
  update(key: string, value: V): void {
    if (this.#map.has(key)) this.#map.set(key, value);
  }

  delete(key: string): void {
    if (this.#map.delete(key)) this.#oldest = undefined;
  }

  clear(): void {
    this.#map.clear();
    this.#oldest = undefined;
  }

  #evictOldest(): void {
    this.#oldest ??= this.#map.keys();
    let next = this.#oldest.next();
    if (next.done === true) {
      // Not while the map is full (an exhausted iterator stays exhausted); start over all the same.
      this.#oldest = this.#map.keys();
      next = this.#oldest.next();
    }
    if (next.done !== true) this.#map.delete(next.value);
  }
}
