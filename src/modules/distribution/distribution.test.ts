// The arithmetic of distribution: inflation per block, the award split, F1 (with slashes and the
// pruning of historical ratios nothing reads any more).
import { describe, expect, it } from 'vitest';
import { inflationFor, splitAwards, YEAR_SECONDS } from './awards.js';
import { allocate, initValidator, memoryF1Store, pendingRewards, recordSlash, startDelegation, withdraw } from './f1.js';

const DEC = 10n ** 18n;

describe('inflation', () => {
  it('mints 8% a year of the genesis supply by elapsed block time, carrying remainders exactly', () => {
    const supply = 10_000_000_000_000n; // 10M CMT
    // A whole year in one step: exactly 8%.
    expect(inflationFor(supply, 800n, YEAR_SECONDS, 0n)).toEqual({ minted: 800_000_000_000n, carry: 0n });
    // One second: 800e9 / 31_536_000 = 25367.8…; the fraction is carried.
    const one = inflationFor(supply, 800n, 1n, 0n);
    expect(one.minted).toBe(25_367n);
    // 31,536,000 one-second blocks mint exactly the yearly amount (checked in closed form for 1000 blocks).
    let carry = 0n;
    let minted = 0n;
    for (let i = 0; i < 1000; i++) {
      const s = inflationFor(supply, 800n, 1n, carry);
      carry = s.carry;
      minted += s.minted;
    }
    expect(minted).toBe((supply * 800n * 1000n) / (10_000n * YEAR_SECONDS));
    expect(inflationFor(supply, 800n, 0n, 5n)).toEqual({ minted: 0n, carry: 5n });
  });
});

describe('award split', () => {
  it('gives backups 10% by stake, the active set the rest by stake, commission to operators', () => {
    const { shares, remainder } = splitAwards(
      1_000_000n,
      [
        { key: 'a', stake: 300n, commissionRate: DEC / 10n },
        { key: 'b', stake: 100n, commissionRate: 0n },
      ],
      [
        { key: 'x', stake: 2n, commissionRate: DEC / 2n },
        { key: 'y', stake: 1n, commissionRate: 0n },
      ],
      1000n,
    );
    // Active pot 900,000: a 675,000 (commission 67,500), b 225,000. Backup pot 100,000: x 66,666 (commission 33,333), y 33,333.
    expect(shares).toEqual([
      { key: 'a', commission: 67_500n, delegators: 607_500n },
      { key: 'b', commission: 0n, delegators: 225_000n },
      { key: 'x', commission: 33_333n, delegators: 33_333n },
      { key: 'y', commission: 0n, delegators: 33_333n },
    ]);
    expect(remainder).toBe(1n);
  });

  it('gives everything to the active set when there are no backups', () => {
    const { shares, remainder } = splitAwards(1000n, [{ key: 'a', stake: 1n, commissionRate: 0n }], [], 1000n);
    expect(shares).toEqual([{ key: 'a', commission: 0n, delegators: 1000n }]);
    expect(remainder).toBe(0n);
  });
});

describe('F1 rewards', () => {
  it('pays each delegator by stake and time, exact to the ucmt, with O(1) work per block', () => {
    const s = memoryF1Store();
    initValidator(s, 'v');
    // Alice 300 tokens from the start; 1,000 ucmt awarded per block for 3 blocks.
    startDelegation(s, 'alice', 'v', 300n);
    let tokens = 300n;
    for (let i = 0; i < 3; i++) allocate(s, 'v', 1000n);
    // Bob joins with 100: his start closes the period (as a delegation change does).
    expect(withdraw(s, 'alice', 'v', tokens)).toBe(3000n);
    startDelegation(s, 'alice', 'v', 300n);
    startDelegation(s, 'bob', 'v', 100n);
    tokens = 400n;
    for (let i = 0; i < 2; i++) allocate(s, 'v', 1000n);
    // 2,000 over 400 tokens: alice 1,500, bob 500.
    expect(pendingRewards(s, 'alice', 'v', tokens)).toBe(1500n);
    expect(pendingRewards(s, 'bob', 'v', tokens)).toBe(500n);
    expect(withdraw(s, 'bob', 'v', tokens)).toBe(500n);
    expect(pendingRewards(s, 'bob', 'v', tokens)).toBe(0n);
  });

  it('floors each delegator, never paying out more than allocated', () => {
    const s = memoryF1Store();
    initValidator(s, 'v');
    for (const d of ['a', 'b', 'c']) startDelegation(s, d, 'v', 1n);
    allocate(s, 'v', 100n);
    const paid = ['a', 'b', 'c'].map((d) => withdraw(s, d, 'v', 3n));
    expect(paid).toEqual([33n, 33n, 33n]);
  });
  it('walks slash events: stake before a slash earns until it, the reduced stake after', () => {
    const s = memoryF1Store();
    initValidator(s, 'v');
    startDelegation(s, 'alice', 'v', 300n);
    startDelegation(s, 'bob', 'v', 100n);
    allocate(s, 'v', 4000n); // 400 tokens: 10 a token
    recordSlash(s, 'v', 400n, 300n, 10n); // a quarter slashed: alice holds 225, bob 75
    allocate(s, 'v', 3000n); // 300 tokens: 10 a token
    recordSlash(s, 'v', 300n, 150n, 20n); // half: alice 112 (112.5 floored), bob 37
    allocate(s, 'v', 1500n); // 150 tokens: 10 a token
    expect(pendingRewards(s, 'alice', 'v', 150n)).toBe(3000n + 2250n + 1120n);
    expect(pendingRewards(s, 'bob', 'v', 150n)).toBe(1000n + 750n + 370n);
    // A delegation started after the slashes is not reduced by them.
    startDelegation(s, 'carol', 'v', 10n);
    allocate(s, 'v', 1600n);
    expect(pendingRewards(s, 'carol', 'v', 160n)).toBe(100n);
  });

  it("keeps only the historical ratios something still reads: the current period's previous one, delegations' starts, slashes", () => {
    const s = memoryF1Store();
    initValidator(s, 'v');
    startDelegation(s, 'alice', 'v', 100n);
    expect(s.historicalPeriods('v')).toEqual([0n]);
    // A thousand reward withdrawals: each closes a period and restarts the delegation.
    for (let i = 0; i < 1000; i++) {
      allocate(s, 'v', 100n);
      expect(withdraw(s, 'alice', 'v', 100n)).toBe(100n);
      startDelegation(s, 'alice', 'v', 100n);
    }
    // Period 1000 is both alice's start and the current period's previous one.
    expect(s.historicalPeriods('v')).toEqual([1000n]);
    // Bob starts there too; a slash keeps its period; alice leaves.
    startDelegation(s, 'bob', 'v', 100n);
    allocate(s, 'v', 200n);
    recordSlash(s, 'v', 200n, 100n, 5n); // closes 1001, which the slash event keeps
    allocate(s, 'v', 100n);
    // 1 a token on 100 before the slash, then 1 a token on the halved stake of 50.
    expect(withdraw(s, 'alice', 'v', 100n)).toBe(100n + 50n);
    expect(s.historicalPeriods('v')).toEqual([1000n, 1001n, 1002n]);
    // Bob still walks from 1000 across the slash at 1001.
    expect(pendingRewards(s, 'bob', 'v', 100n)).toBe(100n + 50n);
    expect(withdraw(s, 'bob', 'v', 100n)).toBe(150n);
    // Nobody starts at 1000 any more; the slash event keeps 1001; the current previous one stays.
    expect(s.historicalPeriods('v')).toEqual([1001n, 1004n]);
  });
});
