import { describe, expect, it } from 'vitest';
import { cappedPowers } from './power.js';

const stakes = (...p: number[]) => p.map((power, i) => ({ key: String(i), power: BigInt(power) }));
const capOk = (powers: bigint[], bps: bigint) => {
  const total = powers.reduce((a, b) => a + b, 0n);
  return powers.every((p) => p * 10_000n <= bps * total);
};

describe('cappedPowers (12% cap)', () => {
  it('leaves powers alone when nobody is above the cap', () => {
    expect(cappedPowers(stakes(10, 10, 10, 10, 10, 10, 10, 10, 10, 10), 1200n)).toEqual(Array(10).fill(10n));
  });

  it('caps one validator: level = 12% * 80 / 88% rounded down = 10', () => {
    // total 180; k=0 level floor(21.6)=21 < 100; k=1 level floor(1200*80/8800)=10 >= 10.
    const out = cappedPowers(stakes(100, 10, 10, 10, 10, 10, 10, 10, 10), 1200n);
    expect(out).toEqual(Array(9).fill(10n));
    expect(capOk(out, 1200n)).toBe(true);
  });

  it('caps several iteratively, keeping input order', () => {
    // total 170: k=0 level 20 < 50; k=1 level floor(144000/8800)=16 < 40; k=2 level floor(96000/7600)=12 >= 10.
    const out = cappedPowers(stakes(10, 50, 10, 40, 10, 10, 10, 10, 10, 10), 1200n);
    expect(out).toEqual([10n, 12n, 10n, 12n, 10n, 10n, 10n, 10n, 10n, 10n]);
    expect(capOk(out, 1200n)).toBe(true);
  });

  it('holds the cap for large uneven stakes', () => {
    const input = stakes(5_000_000, 3_000_000, 2_000_000, 900_000, 800_000, 700_000, 650_000, 600_000, 550_000, 500_000, 400_000, 1);
    const out = cappedPowers(input, 1200n);
    expect(capOk(out, 1200n)).toBe(true);
    expect(out.slice(9)).toEqual([500_000n, 400_000n, 1n]);
    // Capped ones equal, still at least every uncapped one.
    expect(new Set(out.slice(0, 3)).size).toBe(1);
    expect((out[0] ?? 0n) >= (out[3] ?? 0n)).toBe(true);
  });

  it('does not apply the cap with fewer than 9 validators (12% x 8 < 100%)', () => {
    expect(cappedPowers(stakes(100, 1, 1), 1200n)).toEqual([100n, 1n, 1n]);
    expect(cappedPowers(stakes(100, 1, 1, 1, 1, 1, 1, 1), 1200n)).toEqual([100n, 1n, 1n, 1n, 1n, 1n, 1n, 1n]);
  });

  it('is a no-op with a cap of 100%', () => {
    expect(cappedPowers(stakes(100, 1), 10_000n)).toEqual([100n, 1n]);
  });
});
