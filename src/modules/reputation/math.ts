// The reputation formula, in deterministic fixed-point integer math (bigint, no floats). Every
// score, rating and weight is an integer with ONE = 10^6 = 1.0. README.md ("Reputation") states
// the same formula in prose; math.test.ts pins it with exact values.
//
//   value weight   vw(price)   = min(sqrt(price in CMT), max_value_weight)
//   standing       st(r)       = (min_standing + (1 - min_standing) * activity) * (1/2 + T/10)
//                    activity  = (min(1, volume / standing_volume) + min(1, age / standing_age)) / 2
//                    T         = the reviewer's trader score (seller and buyer records together)
//   review weight  w           = vw(price) * st(reviewer) / k,  k = this reviewer's k-th review of
//                                 this account in this role (repeat reviews count less and less)
//   lost dispute   w           = min(price in CMT * loss_per_cmt, max_loss) * lost / price, rating 0
//   arbiter        ruling: rating 5, w = vw(order price); missed deadline: rating 0,
//                  w = vw(order price) * penalty_multiplier
//   decay          S, W <- S * 2^(-dt/half_life), W * 2^(-dt/half_life), applied when touched
//   update         S <- S + w * rating,  W <- W + w
//   score          (S + P * 2.5) / (W + P)   (P = prior_weight: no record reads as 2.5)
//   arbiter draw   bond * (1/2 + score/5)    (score 0..5 gives 0.5x..1.5x; no record 1x)
//
// The borrower role is lending's record, read through BorrowerRecords (no sums here).
// Each product or quotient is floored where it is taken, in the order written in the functions.

export const ONE = 1_000_000n;
export const MAX_RATING = 5n * ONE;
/** The score of an account with no record: the middle of the 0..5 scale. */
export const NEUTRAL = MAX_RATING / 2n;
export const UCMT_PER_CMT = 1_000_000n;
/** Precision of the decay factor: 10^18 = 1.0. */
export const DECAY_ONE = 10n ** 18n;
/** Binary digits of dt/half_life's fraction that the decay honours (error below 2^-60 in the exponent). */
const FRACTION_BITS = 60;

export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError(`isqrt of negative ${n}`);
  if (n < 2n) return n;
  // Start at a power of two above the root; Newton's iteration then decreases to floor(sqrt(n)).
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) / 2n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * ROOTS[i] = 2^(-1/2^i) at DECAY_ONE scale, by repeated integer square roots:
 * ROOTS[1] = sqrt(1/2), ROOTS[i+1] = sqrt(ROOTS[i]). The same integers on every machine.
 */
const ROOTS: readonly bigint[] = (() => {
  const out: bigint[] = [DECAY_ONE];
  let r = isqrt((DECAY_ONE * DECAY_ONE) / 2n);
  for (let i = 1; i <= FRACTION_BITS; i++) {
    out.push(r);
    r = isqrt(r * DECAY_ONE);
  }
  return out;
})();

/** 2^(-dt/halfLife) at DECAY_ONE scale: whole half-lives shift, the fraction multiplies roots. */
export function decayFactor(dt: bigint, halfLife: bigint): bigint {
  if (halfLife <= 0n) throw new RangeError('half-life must be positive');
  if (dt <= 0n) return DECAY_ONE;
  const whole = dt / halfLife;
  if (whole >= 64n) return 0n;
  let f = DECAY_ONE;
  let rem = dt % halfLife;
  for (let i = 1; i <= FRACTION_BITS && rem > 0n; i++) {
    rem *= 2n;
    if (rem >= halfLife) {
      rem -= halfLife;
      f = (f * (ROOTS[i] as bigint)) / DECAY_ONE;
    }
  }
  return f >> whole;
}

export function decay(value: bigint, dt: bigint, halfLife: bigint): bigint {
  return (value * decayFactor(dt, halfLife)) / DECAY_ONE;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** sqrt(price in CMT), ppm, capped: 1 CMT weighs 1.0, 100 CMT 10.0, 0.01 CMT 0.1. */
export function valueWeight(priceUcmt: bigint, maxWeight: bigint): bigint {
  if (priceUcmt <= 0n) return 0n;
  // price in CMT at ONE scale is priceUcmt * ONE / UCMT_PER_CMT; its square root at ONE scale
  // is isqrt(that * ONE).
  return min(isqrt((priceUcmt * ONE * ONE) / UCMT_PER_CMT), maxWeight);
}

/** The mean of the rated dimensions, ppm. */
export function meanRating(stars: readonly number[]): bigint {
  if (stars.length === 0) throw new RangeError('no ratings');
  const sum = stars.reduce((s, x) => s + BigInt(x), 0n);
  return (sum * ONE) / BigInt(stars.length);
}

/** Shrinks the weighted mean S/W toward NEUTRAL by a prior of weight P; in [0, 5]. */
export function bayesScore(weightedSum: bigint, weightSum: bigint, priorWeight: bigint): bigint {
  const den = weightSum + priorWeight;
  if (den === 0n) return NEUTRAL;
  const s = ((weightedSum + (priorWeight * NEUTRAL) / ONE) * ONE) / den;
  return min(s, MAX_RATING);
}

/** S/W, or 0 with no weight. */
export function weightedMean(weightedSum: bigint, weightSum: bigint): bigint {
  return weightSum === 0n ? 0n : min((weightedSum * ONE) / weightSum, MAX_RATING);
}

export interface StandingParams {
  readonly minStanding: bigint;
  readonly standingVolume: bigint;
  readonly standingAgeSeconds: bigint;
}

export interface ReviewerActivity {
  /** ucmt traded through escrow (closed orders, both sides). */
  readonly volume: bigint;
  /** Seconds since its first closed order (0 with none). */
  readonly age: bigint;
  /** Its trader score (bayesScore of its seller and buyer records together), ppm. */
  readonly traderScore: bigint;
}

/** How much a reviewer's word counts, ppm: min_standing..1 by activity, times 0.5..1 by its own score. */
export function standing(p: StandingParams, r: ReviewerActivity): bigint {
  const fv = p.standingVolume === 0n ? ONE : min(ONE, (r.volume * ONE) / p.standingVolume);
  const fa = p.standingAgeSeconds === 0n ? ONE : min(ONE, ((r.age < 0n ? 0n : r.age) * ONE) / p.standingAgeSeconds);
  const activity = (fv + fa) / 2n;
  const base = p.minStanding + ((ONE - p.minStanding) * activity) / ONE;
  const own = ONE / 2n + r.traderScore / 10n;
  return (base * own) / ONE;
}

/** A review's weight, ppm: value weight × standing, divided by the pair's review ordinal k (1, 2, …). */
export function reviewWeight(valueW: bigint, standingPpm: bigint, k: bigint): bigint {
  if (k < 1n) throw new RangeError('review ordinal starts at 1');
  return (valueW * standingPpm) / ONE / k;
}

/** A lost dispute's weight, ppm: linear in the order's value (capped), times the share lost. */
export function disputeLossWeight(priceUcmt: bigint, lostUcmt: bigint, perCmt: bigint, maxWeight: bigint): bigint {
  if (priceUcmt <= 0n || lostUcmt <= 0n) return 0n;
  const full = min((priceUcmt * perCmt) / UCMT_PER_CMT, maxWeight);
  return (full * min(lostUcmt, priceUcmt)) / priceUcmt;
}

/** The penalty event's weight (missed deadline, default): value weight × multiplier. */
export function penaltyWeight(valueW: bigint, multiplier: bigint): bigint {
  return (valueW * multiplier) / ONE;
}

/** The arbiter draw factor, ppm: 0.5 at score 0, 1.0 at 2.5 (no record), 1.5 at 5. */
export function arbiterFactor(score: bigint): bigint {
  return ONE / 2n + min(score, MAX_RATING) / 5n;
}

export function arbiterDrawWeight(bond: bigint, score: bigint): bigint {
  return (bond * arbiterFactor(score)) / ONE;
}

/** Decayed sums plus one event: the score update. */
export interface Sums {
  readonly weightedSum: bigint;
  readonly weightSum: bigint;
}

export function decaySums(s: Sums, dt: bigint, halfLife: bigint): Sums {
  const f = decayFactor(dt, halfLife);
  return { weightedSum: (s.weightedSum * f) / DECAY_ONE, weightSum: (s.weightSum * f) / DECAY_ONE };
}

export function addEvent(s: Sums, weight: bigint, rating: bigint): Sums {
  return { weightedSum: s.weightedSum + (weight * rating) / ONE, weightSum: s.weightSum + weight };
}
