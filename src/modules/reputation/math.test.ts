// The reputation formula pinned with exact fixed-point values (README "Reputation").
import { describe, expect, it } from 'vitest';
import {
  addEvent,
  arbiterDrawWeight,
  arbiterFactor,
  bayesScore,
  decay,
  decayFactor,
  decaySums,
  DECAY_ONE,
  disputeLossWeight,
  isqrt,
  meanRating,
  NEUTRAL,
  ONE,
  penaltyWeight,
  reviewWeight,
  standing,
  valueWeight,
  weightedMean,
} from './math.js';

describe('isqrt', () => {
  it('is the floor of the square root, for small and huge numbers', () => {
    expect([0n, 1n, 2n, 3n, 4n, 8n, 9n, 99n, 100n].map(isqrt)).toEqual([0n, 1n, 1n, 1n, 2n, 2n, 3n, 9n, 10n]);
    expect(isqrt(2n ** 256n)).toBe(2n ** 128n);
    expect(isqrt(2n ** 256n - 1n)).toBe(2n ** 128n - 1n);
    expect(isqrt(10n ** 36n / 2n)).toBe(707106781186547524n);
    expect(() => isqrt(-1n)).toThrow(RangeError);
  });
});

describe('decay 2^(-dt/half_life)', () => {
  const H = 100n;

  it('halves exactly per whole half-life', () => {
    expect(decayFactor(0n, H)).toBe(DECAY_ONE);
    expect(decayFactor(-5n, H)).toBe(DECAY_ONE);
    expect(decayFactor(100n, H)).toBe(DECAY_ONE / 2n);
    expect(decayFactor(200n, H)).toBe(DECAY_ONE / 4n);
    expect(decayFactor(300n, H)).toBe(DECAY_ONE / 8n);
    expect(decay(6_000_000n, 100n, H)).toBe(3_000_000n);
    expect(decay(6_000_000n, 200n, H)).toBe(1_500_000n);
  });

  it('multiplies binary roots of 2 for the fraction (floored at 10^18)', () => {
    // 2^-0.5 = 0.70710678118654752440…, 2^-0.25 = 0.84089641525371454303…, 2^-1.5 = 0.35355339059327376220…
    expect(decayFactor(50n, H)).toBe(707106781186547524n);
    expect(decayFactor(25n, H)).toBe(840896415253714542n);
    expect(decayFactor(150n, H)).toBe(353553390593273762n);
    // 2^-0.01 = 0.99309249543703590153…, 2^-0.37 = 0.77378249677119495252… (within 10^-16)
    expect(decayFactor(1n, H)).toBe(993092495437035851n);
    expect(decayFactor(37n, H)).toBe(773782496771194903n);
    expect(decay(1_000_000n, 50n, H)).toBe(707_106n);
    expect(decay(5_000_000n, 37n, H)).toBe(3_868_912n);
  });

  it('reaches zero after 64 half-lives, and needs a positive half-life', () => {
    expect(decayFactor(6_400n, H)).toBe(0n);
    expect(decayFactor(6_399n, H)).toBe(0n);
    expect(decayFactor(6_300n, H)).toBe(DECAY_ONE >> 63n);
    expect(() => decayFactor(1n, 0n)).toThrow(RangeError);
  });

  it('decays both sums by the same factor, so S/W keeps its value (up to flooring)', () => {
    const s = decaySums({ weightedSum: 8_000_000n, weightSum: 2_000_000n }, 50n, H);
    expect(s).toEqual({ weightedSum: 5_656_854n, weightSum: 1_414_213n });
    expect(weightedMean(s.weightedSum, s.weightSum)).toBe(4_000_001n); // floors: 5656854 / 1414213
    expect(addEvent(s, 1_000_000n, 1_000_000n)).toEqual({ weightedSum: 6_656_854n, weightSum: 2_414_213n });
  });
});

describe('weights', () => {
  const cap = 100n * ONE;

  it('weighs an order by sqrt(price in CMT), capped', () => {
    expect(valueWeight(1_000_000n, cap)).toBe(1_000_000n); // 1 CMT: 1.0
    expect(valueWeight(4_000_000n, cap)).toBe(2_000_000n); // 4 CMT: 2.0
    expect(valueWeight(2_500_000n, cap)).toBe(1_581_138n); // 2.5 CMT: 1.581138
    expect(valueWeight(100_000_000n, cap)).toBe(10_000_000n); // 100 CMT: 10.0
    expect(valueWeight(10_000n, cap)).toBe(100_000n); // 0.01 CMT: 0.1
    expect(valueWeight(1n, cap)).toBe(1_000n); // 1 ucmt: 0.001
    expect(valueWeight(10n ** 12n, cap)).toBe(cap); // 1,000,000 CMT: capped at 100
    expect(valueWeight(0n, cap)).toBe(0n);
  });

  it('makes many tiny orders between the same pair count for little', () => {
    // A hundred 1 CMT orders between one pair, each reviewed: the k-th review is divided by k.
    let tiny = 0n;
    for (let k = 1n; k <= 100n; k++) tiny += reviewWeight(valueWeight(1_000_000n, cap), ONE, k);
    expect(tiny).toBe(5_187_340n); // Σ floor(1.0 / k) ≈ H(100) = 5.187…
    // One 100 CMT order, reviewed once, weighs 10.0.
    expect(reviewWeight(valueWeight(100_000_000n, cap), ONE, 1n)).toBe(10_000_000n);
  });

  it('takes the reviewer\'s standing from volume, trading age and its own score', () => {
    const p = { minStanding: 200_000n, standingVolume: 1_000_000_000n, standingAgeSeconds: 7_776_000n };
    // Nothing traded yet and no record: 0.2 × (0.5 + 2.5/10) = 0.15.
    expect(standing(p, { volume: 0n, age: 0n, traderScore: NEUTRAL })).toBe(150_000n);
    // 250 of 1,000 CMT and half the age: activity 0.375, base 0.2 + 0.8 × 0.375 = 0.5; × 0.75.
    expect(standing(p, { volume: 250_000_000n, age: 3_888_000n, traderScore: NEUTRAL })).toBe(375_000n);
    // Full activity and a perfect score: 1.0; the worst score halves it.
    expect(standing(p, { volume: 5_000_000_000n, age: 10n ** 9n, traderScore: 5n * ONE })).toBe(ONE);
    expect(standing(p, { volume: 5_000_000_000n, age: 10n ** 9n, traderScore: 0n })).toBe(500_000n);
    expect(reviewWeight(2_000_000n, 375_000n, 1n)).toBe(750_000n);
    expect(reviewWeight(2_000_000n, 375_000n, 3n)).toBe(250_000n);
    expect(() => reviewWeight(1n, 1n, 0n)).toThrow(RangeError);
  });

  it('weighs a lost dispute in proportion to the order value and the share lost', () => {
    const perCmt = 100_000n; // 0.1 per CMT
    const max = 1000n * ONE;
    expect(disputeLossWeight(100_000_000n, 100_000_000n, perCmt, max)).toBe(10_000_000n); // 100 CMT, all lost: 10.0
    expect(disputeLossWeight(100_000_000n, 30_000_000n, perCmt, max)).toBe(3_000_000n); // 30% lost: 3.0
    expect(disputeLossWeight(4_000_000n, 4_000_000n, perCmt, max)).toBe(400_000n);
    expect(disputeLossWeight(10n ** 15n, 10n ** 15n, perCmt, max)).toBe(max);
    expect(disputeLossWeight(100n, 0n, perCmt, max)).toBe(0n);
    expect(penaltyWeight(2_000_000n, 3n * ONE)).toBe(6_000_000n);
  });
});

describe('scores', () => {
  it('averages ratings and shrinks toward 2.5 by the prior', () => {
    expect(meanRating([5, 4, 4])).toBe(4_333_333n);
    expect(meanRating([5, 4])).toBe(4_500_000n);
    expect(bayesScore(0n, 0n, ONE)).toBe(NEUTRAL);
    expect(bayesScore(0n, 0n, 0n)).toBe(NEUTRAL);
    // One review of weight 1.0 rated 4: (4 + 2.5) / 2 = 3.25.
    expect(bayesScore(4_000_000n, 1_000_000n, ONE)).toBe(3_250_000n);
    // A zero-rated event of weight 3.0: 2.5 / 4 = 0.625.
    expect(bayesScore(0n, 3_000_000n, ONE)).toBe(625_000n);
    expect(weightedMean(0n, 0n)).toBe(0n);
  });

  it('turns an arbiter score into a draw factor from 0.5 to 1.5 of its bond', () => {
    expect(arbiterFactor(0n)).toBe(500_000n);
    expect(arbiterFactor(NEUTRAL)).toBe(ONE);
    expect(arbiterFactor(5n * ONE)).toBe(1_500_000n);
    expect(arbiterDrawWeight(1000n, NEUTRAL)).toBe(1000n); // no record: the bond alone
    expect(arbiterDrawWeight(1000n, 625_000n)).toBe(625n);
    expect(arbiterDrawWeight(5_000_000n, 4_000_000n)).toBe(6_500_000n);
  });
});
