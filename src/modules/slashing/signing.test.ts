// The signed-blocks window and slash fractions.
import { describe, expect, it } from 'vitest';
import { DEC_ONE, maxMissed, recordVote, slashAmount, type SigningCounters } from './signing.js';

/** Runs votes through recordVote with a bit set kept like the keeper keeps it (one entry per missed index). */
function run(window: bigint, minSigned: bigint, signedAt: (h: bigint) => boolean, to: bigint) {
  let c: SigningCounters = { startHeight: 1n, indexOffset: 0n, missedBlocks: 0n };
  const bits = new Set<bigint>();
  const downs: boolean[] = [];
  for (let h = 1n; h <= to; h++) {
    const index = c.indexOffset % window;
    const r = recordVote(c, bits.has(index), signedAt(h), h, window, minSigned);
    if (r.missed) bits.add(r.index);
    else bits.delete(r.index);
    c = r.counters;
    downs.push(r.down);
    expect(BigInt(bits.size)).toBe(c.missedBlocks);
  }
  return { c, downs };
}

describe('signed-blocks window', () => {
  it('is down only after a full window with more than window - min_signed missed', () => {
    // 50% of 10: at most 5 may be missed. Heights 1-6 missed, but the window is full only at 10.
    const { c, downs } = run(10n, DEC_ONE / 2n, (h) => h > 6n && h < 11n, 12n);
    expect(downs.slice(0, 9).every((d) => !d)).toBe(true);
    expect(downs[9]).toBe(true);
    // 11 and 12 overwrite the misses of 1 and 2 with new misses: still 6.
    expect(c.missedBlocks).toBe(6n);
  });

  it('keeps the missed count equal to the set bits as the window rolls', () => {
    run(8n, DEC_ONE / 2n, (h) => h % 3n !== 0n, 40n);
  });

  it('floors min_signed × window', () => {
    expect(maxMissed(100n, DEC_ONE / 2n)).toBe(50n);
    expect(maxMissed(10n, (DEC_ONE * 55n) / 100n)).toBe(5n);
  });
});

describe('slash fractions', () => {
  it('takes 5% for double signing and 0.01% for downtime, floored', () => {
    expect(slashAmount(1_000_000_000n, DEC_ONE / 20n)).toBe(50_000_000n);
    expect(slashAmount(1_000_000_000n, DEC_ONE / 10_000n)).toBe(100_000n);
    expect(slashAmount(9_999n, DEC_ONE / 10_000n)).toBe(0n);
  });
});
