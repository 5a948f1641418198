import { describe, expect, it } from 'vitest';
import { ChainError } from '../errors/chain-error.js';
import { gasAmount, InfiniteGasMeter, LimitedGasMeter } from './gas.js';

describe('gas meters', () => {
  it('count exactly up to the limit, and past it report what the tx used (as the SDK does)', () => {
    const m = new LimitedGasMeter(5000n);
    m.consume(2000, 'a');
    m.consume(3000, 'b');
    expect(m.consumed()).toBe(5000n);
    expect(() => m.consume(1, 'c')).toThrow(/out of gas in location: c; gasWanted: 5000, gasUsed: 5001/);
    expect(m.consumed()).toBe(5001n);
    try {
      m.consume(1, 'd');
    } catch (e) {
      expect(e).toBeInstanceOf(ChainError);
      expect((e as ChainError).code).toBe(11);
    }
  });

  it('compares with limits beyond 2^53 as bigints would', () => {
    const max = (1n << 63n) - 1n;
    const m = new LimitedGasMeter(max);
    m.consume(Number.MAX_SAFE_INTEGER - 1, 'big');
    m.consume(1, 'exact');
    expect(m.consumed()).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    // One more would need a count past 2^53 - 1: out of gas rather than a rounded count.
    expect(() => m.consume(1, 'over')).toThrow(/gasUsed: more than 9007199254740991/);
    expect(m.consumed()).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    const edge = new LimitedGasMeter(BigInt(Number.MAX_SAFE_INTEGER) + 1n);
    edge.consume(Number.MAX_SAFE_INTEGER, 'all');
    expect(edge.consumed()).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('an infinite meter counts, and stops with an error rather than round', () => {
    const m = new InfiniteGasMeter();
    m.consume(1000, 'a');
    m.consume(30, 'b');
    expect(m.consumed()).toBe(1030n);
    expect(() => m.consume(Infinity, 'c')).toThrow(/gas counter overflow in location: c/);
    expect(m.consumed()).toBe(1030n);
  });

  it('turns bigint amounts into numbers exactly, and absurd ones into Infinity', () => {
    expect(gasAmount(10n * 291n)).toBe(2910);
    expect(gasAmount(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(gasAmount(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe(Infinity);
    expect(() => new LimitedGasMeter(10n).consume(gasAmount(1n << 60n), 'x')).toThrow(/out of gas/);
  });
});
