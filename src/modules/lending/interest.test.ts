// Interest, collateral and repayment arithmetic, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { accrue, requiredCollateral, SECONDS_PER_YEAR, simpleInterest, splitCollateral, splitRepayment } from './interest.js';

describe('simpleInterest = ceil(principal * rate_bps * seconds / (10000 * 31536000))', () => {
  it('is exact when the division is', () => {
    // 10 % a year on 1 CMT for a year: 0.1 CMT.
    expect(simpleInterest(1_000_000n, 1000n, SECONDS_PER_YEAR)).toBe(100_000n);
    // 31,536,000 ucmt at 100 % for one second: exactly 1 ucmt.
    expect(simpleInterest(31_536_000n, 10_000n, 1n)).toBe(1n);
    // 1000 % a year on 10^12 ucmt for five years.
    expect(simpleInterest(10n ** 12n, 100_000n, 5n * SECONDS_PER_YEAR)).toBe(50_000_000_000_000n);
  });

  it('rounds every fraction up to the next ucmt', () => {
    expect(simpleInterest(31_536_001n, 10_000n, 1n)).toBe(2n); // 1.0000000317
    expect(simpleInterest(1_000_000n, 1000n, 1n)).toBe(1n); // 0.0032
    expect(simpleInterest(100_000_000_000n, 5000n, 60n)).toBe(95_130n); // 95129.376
    expect(simpleInterest(1_000_000n, 1200n, 30n * 86_400n)).toBe(9_864n); // 9863.014
  });

  it('is zero without principal, rate or time', () => {
    expect(simpleInterest(0n, 5000n, 100n)).toBe(0n);
    expect(simpleInterest(1_000n, 0n, 100n)).toBe(0n);
    expect(simpleInterest(1_000n, 5000n, 0n)).toBe(0n);
    expect(simpleInterest(1_000n, 5000n, -5n)).toBe(0n);
  });
});

describe('accrue', () => {
  const start = { principalOutstanding: 1_000_000n, interestOwed: 7n, accruedThrough: 1_000n };

  it('adds the interest since accrued_through on the outstanding principal (simple: owed interest bears none)', () => {
    expect(accrue(start, 1200n, 1_000n + 30n * 86_400n, 10n ** 12n)).toEqual({
      principalOutstanding: 1_000_000n,
      interestOwed: 7n + 9_864n,
      accruedThrough: 1_000n + 30n * 86_400n,
    });
  });

  it('changes nothing for a time at or before accrued_through', () => {
    expect(accrue(start, 1200n, 1_000n, 10n ** 12n)).toBe(start);
    expect(accrue(start, 1200n, 500n, 10n ** 12n)).toBe(start);
  });

  it('stops at the end of the grace period', () => {
    const capped = accrue(start, 10_000n, 10n ** 9n, 1_000n + 31_536n);
    // 1,000,000 at 100 % for 31,536 s = a thousandth of a year: 1000 ucmt.
    expect(capped).toEqual({ principalOutstanding: 1_000_000n, interestOwed: 1_007n, accruedThrough: 32_536n });
  });

  it('costs at most one ucmt per extra accrual compared with accruing once', () => {
    const once = accrue({ ...start, interestOwed: 0n }, 5000n, 1_000n + 90n, 10n ** 12n).interestOwed;
    let parts = { ...start, interestOwed: 0n };
    for (let t = 1_010n; t <= 1_090n; t += 10n) parts = accrue(parts, 5000n, t, 10n ** 12n);
    // 1,000,000 at 50 % for 90 s = 1.427 ucmt -> 2; nine 10 s accruals of 0.159 -> 9 x 1.
    expect(once).toBe(2n);
    expect(parts.interestOwed).toBe(9n);
    expect(parts.interestOwed - once).toBeLessThanOrEqual(8n);
  });
});

describe('requiredCollateral = ceil(amount * ratio_bps / 10000)', () => {
  it('rounds up and allows zero', () => {
    expect(requiredCollateral(1_000n, 0n)).toBe(0n);
    expect(requiredCollateral(1_000n, 5000n)).toBe(500n);
    expect(requiredCollateral(1_001n, 15_000n)).toBe(1_502n); // 1501.5
    expect(requiredCollateral(1n, 1n)).toBe(1n); // 0.0001
    expect(requiredCollateral(10n ** 11n, 20_000n)).toBe(2n * 10n ** 11n);
  });
});

describe('splitRepayment', () => {
  it('pays accrued interest first, then principal', () => {
    expect(splitRepayment(100n, 30n)).toEqual({ interest: 30n, principal: 70n });
    expect(splitRepayment(20n, 30n)).toEqual({ interest: 20n, principal: 0n });
    expect(splitRepayment(30n, 30n)).toEqual({ interest: 30n, principal: 0n });
    expect(splitRepayment(5n, 0n)).toEqual({ interest: 0n, principal: 5n });
  });
});

describe('splitCollateral', () => {
  it('gives the lender what is owed, at most the collateral, and the borrower the rest', () => {
    expect(splitCollateral(150n, 100n)).toEqual({ toLender: 100n, toBorrower: 50n });
    expect(splitCollateral(80n, 100n)).toEqual({ toLender: 80n, toBorrower: 0n });
    expect(splitCollateral(100n, 100n)).toEqual({ toLender: 100n, toBorrower: 0n });
    expect(splitCollateral(0n, 100n)).toEqual({ toLender: 0n, toBorrower: 0n });
  });
});
