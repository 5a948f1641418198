import { describe, expect, it } from 'vitest';
import { prng } from '../testing/random.js';
import { BoundedCache } from './bounded-cache.js';

/** The same policy, written the obvious way: an array of keys, oldest first. */
class Reference<V> {
  readonly keys: string[] = [];
  readonly values = new Map<string, V>();
  constructor(
    private readonly max: number,
    private readonly lru: boolean,
  ) {}
  get(k: string): V | undefined {
    const v = this.values.get(k);
    if (v !== undefined && this.lru) this.touch(k);
    return v;
  }
  set(k: string, v: V): void {
    if (this.max === 0) return;
    if (!this.values.has(k)) {
      if (this.keys.length >= this.max) this.values.delete(this.keys.shift() ?? '');
      this.keys.push(k);
    }
    this.values.set(k, v);
  }
  update(k: string, v: V): void {
    if (this.values.has(k)) this.values.set(k, v);
  }
  delete(k: string): void {
    if (!this.values.delete(k)) return;
    this.keys.splice(this.keys.indexOf(k), 1);
  }
  clear(): void {
    this.keys.length = 0;
    this.values.clear();
  }
  private touch(k: string): void {
    this.keys.splice(this.keys.indexOf(k), 1);
    this.keys.push(k);
  }
}

/** Fixed-seed fractions in [0, 1): test inputs only. */
function rng(seed: number): () => number {
  const next = prng(seed);
  return () => next() / 2 ** 32;
}

describe('BoundedCache', () => {
  for (const lru of [false, true]) {
    it(`evicts exactly as the reference policy does (${lru ? 'LRU' : 'FIFO'}) through sets, hits, updates, deletes and clears`, () => {
      const max = 50;
      const cache = new BoundedCache<number>(max, { lru });
      const ref = new Reference<number>(max, lru);
      const random = rng(lru ? 7 : 11);
      for (let step = 0; step < 20_000; step++) {
        const k = `k${Math.floor(random() * 150)}`;
        const r = random();
        if (r < 0.5) {
          cache.set(k, step);
          ref.set(k, step);
        } else if (r < 0.8) {
          expect(cache.get(k)).toBe(ref.get(k));
        } else if (r < 0.9) {
          cache.update(k, -step);
          ref.update(k, -step);
        } else if (r < 0.9995) {
          cache.delete(k);
          ref.delete(k);
        } else {
          cache.clear();
          ref.clear();
        }
        expect(cache.size).toBe(ref.values.size);
      }
      for (const k of ref.keys) expect(cache.has(k)).toBe(true);
    });
  }

  it('keeps the newest `max` keys of a long stream, oldest dropped first', () => {
    const cache = new BoundedCache<number>(1_000);
    for (let i = 0; i < 100_000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(1_000);
    expect(cache.get('k98999')).toBeUndefined();
    expect(cache.get('k99000')).toBe(99_000);
    expect(cache.get('k99999')).toBe(99_999);
  });

  it('holds nothing with max 0 and refuses a size that is not a non-negative integer', () => {
    const cache = new BoundedCache<number>(0);
    cache.set('a', 1);
    expect(cache.size).toBe(0);
    expect(() => new BoundedCache(-1)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
  });
});
