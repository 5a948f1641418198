import { describe, expect, it } from 'vitest';
import { Usage } from '../../generated/cybermiles/fees/v1/fees.js';
import { randomBelow } from '../../testing/random.js';
import { encodeUsage } from './usage-bytes.js';

const below = randomBelow(13);

describe('encodeUsage', () => {
  it('writes exactly the generated encoder’s bytes', () => {
    const cases: Usage[] = [
      { window: 0n, count: 0 },
      { window: 0n, count: 1 },
      { window: 1n, count: 0 },
      { window: 2n ** 64n - 1n, count: 0xffffffff },
      { window: 2n ** 31n, count: 2 ** 31 },
    ];
    for (let i = 0; i < 3000; i++) cases.push({ window: BigInt(below(2 ** 30)) << BigInt(below(34)), count: below(2 ** 30) * (below(2) + 1) + below(4) });
    for (const u of cases) expect(Array.from(encodeUsage(u))).toEqual(Array.from(Usage.encode(u).finish()));
  });

  it('refuses what the field types cannot hold, as the generated encoder does', () => {
    expect(() => encodeUsage({ window: 2n ** 64n, count: 1 })).toThrow(RangeError);
    expect(() => encodeUsage({ window: -1n, count: 1 })).toThrow(RangeError);
    expect(() => encodeUsage({ window: 1n, count: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeUsage({ window: 1n, count: 1.5 })).toThrow(RangeError);
    expect(() => Usage.encode({ window: 2n ** 64n, count: 1 })).toThrow();
  });
});
