// Deterministic pseudo-random inputs for fuzz-style tests, which must not be flaky.

/** A small deterministic PRNG (xorshift32): uint32 values. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Integers in [0, n) from a fixed-seed prng. */
export function randomBelow(seed: number): (n: number) => number {
  const next = prng(seed);
  return (n) => next() % n;
}
