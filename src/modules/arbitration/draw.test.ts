import { describe, expect, it } from 'vitest';
import { drawSeed, weightedPick } from './draw.js';

describe('arbiter draw', () => {
  const pool = [
    { address: 'a', weight: 1n },
    { address: 'b', weight: 3n },
  ];

  it('walks cumulative weights in order', () => {
    expect(weightedPick(pool, 0n)).toBe('a');
    expect(weightedPick(pool, 1n)).toBe('b');
    expect(weightedPick(pool, 3n)).toBe('b');
    expect(weightedPick(pool, 4n)).toBe('a'); // wraps: 4 mod 4
  });

  it('returns nothing from an empty or weightless pool', () => {
    expect(weightedPick([], 5n)).toBeUndefined();
    expect(weightedPick([{ address: 'a', weight: 0n }], 5n)).toBeUndefined();
  });

  it('derives the seed from block hash, case and draw only', () => {
    const h = new Uint8Array(32).fill(1);
    expect(drawSeed(h, 1n, 1)).toBe(drawSeed(Uint8Array.from(h), 1n, 1));
    expect(drawSeed(h, 1n, 2)).not.toBe(drawSeed(h, 1n, 1));
    expect(drawSeed(h, 2n, 1)).not.toBe(drawSeed(h, 1n, 1));
    expect(drawSeed(new Uint8Array(32), 1n, 1)).not.toBe(drawSeed(h, 1n, 1));
  });

  it('picks in proportion to weight over many seeds', () => {
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) {
      const picked = weightedPick(pool, drawSeed(new Uint8Array(32), BigInt(i), 1)) as 'a' | 'b';
      counts[picked]++;
    }
    expect(counts.a / 4000).toBeGreaterThan(0.2);
    expect(counts.a / 4000).toBeLessThan(0.3);
  });
});
