// Consensus powers of the active set: stake / power_reduction, with no validator above
// max_power_bps of the total power. Pure bigint math, deterministic.
//
// The cap is applied as a water level. With powers sorted high to low, p0 >= p1 >= ...,
// suppose the top k are capped at c and the rest keep their power (sum R). For the capped ones
// to hold exactly the cap, c = cap * (k*c + R), so c = cap*R / (1 - k*cap), rounded down
// (floor keeps every capped power at or below the cap of the resulting total). Try k = 0, 1, ...
// and stop at the first k where p_k <= c: each step lowers c, so capped validators stay above
// everyone uncapped and the order is kept. With n validators and a cap of 12%, the cap can only
// hold when n * 12% >= 100%, i.e. n >= 9; below that (1 - k*cap would reach the n validators
// before a level is found) the cap is not applied and powers are plain stake.

export interface Stake {
  readonly key: string;
  readonly power: bigint;
}

/** Capped powers in the input's order. `maxBps` of 10000 or more means no cap. */
export function cappedPowers(stakes: readonly Stake[], maxBps: bigint): bigint[] {
  const powers = stakes.map((s) => s.power);
  if (maxBps >= 10_000n || powers.length === 0) return powers;
  const n = BigInt(powers.length);
  if (n * maxBps < 10_000n) return powers; // cannot hold: documented in the README
  const sorted = [...powers].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  let rest = sorted.reduce((a, b) => a + b, 0n);
  for (let k = 0; k < sorted.length; k++) {
    const denom = 10_000n - BigInt(k) * maxBps;
    if (denom <= 0n) break;
    const level = (maxBps * rest) / denom;
    const pk = sorted[k] ?? 0n;
    if (pk <= level) return powers.map((p) => (p > level ? level : p));
    rest -= pk;
  }
  return powers;
}
