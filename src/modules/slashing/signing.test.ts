// Stage 3 arithmetic (not wired into the app yet): the signed-blocks window and slash fractions.
import { describe, expect, it } from 'vitest';
import { DOUBLE_SIGN_FRACTION_PPB, DOWNTIME_FRACTION_PPB, emptyBits, recordVote, resetSigning, slashAmount, slashUnbonding, type SigningInfo } from './signing.js';

describe('signed-blocks window', () => {
  it('is down only after a full window with more than window - min_signed missed', () => {
    const window = 10n;
    const minSigned = 5000n; // 50%: at most 5 of 10 may be missed
    let info: SigningInfo = { startHeight: 1n, indexOffset: 0n, missedBlocks: 0n };
    let bits = emptyBits(window);
    const downs: boolean[] = [];
    // Blocks 1..10: misses 6 (heights 1-6) but the window is only full at height 10.
    for (let h = 1n; h <= 12n; h++) {
      const r = recordVote(info, bits, h > 6n && h < 11n, h, window, minSigned);
      info = r.info;
      bits = r.bits;
      downs.push(r.down);
    }
    // Heights 1-9: window not full; 10: 6 missed > 5 → down; 11, 12 missed again (1 and 2 rolled out, re-set).
    expect(downs.slice(0, 9).every((d) => !d)).toBe(true);
    expect(downs[9]).toBe(true);
    expect(info.missedBlocks).toBe(6n);
    const again = resetSigning(13n, window);
    expect(again.info).toEqual({ startHeight: 13n, indexOffset: 0n, missedBlocks: 0n });
  });

  it('keeps the missed count equal to the set bits as the window rolls', () => {
    const window = 8n;
    let info: SigningInfo = { startHeight: 1n, indexOffset: 0n, missedBlocks: 0n };
    let bits = emptyBits(window);
    for (let h = 1n; h <= 40n; h++) {
      const r = recordVote(info, bits, h % 3n !== 0n, h, window, 5000n);
      info = r.info;
      bits = r.bits;
      const set = [...bits].reduce((a, b) => a + b.toString(2).split('').filter((x) => x === '1').length, 0);
      expect(BigInt(set)).toBe(info.missedBlocks);
    }
  });
});

describe('slash fractions', () => {
  it('takes 5% for double signing and 0.01% for downtime, floored', () => {
    expect(slashAmount(1_000_000_000n, DOUBLE_SIGN_FRACTION_PPB)).toBe(50_000_000n);
    expect(slashAmount(1_000_000_000n, DOWNTIME_FRACTION_PPB)).toBe(100_000n);
    expect(slashAmount(9_999n, DOWNTIME_FRACTION_PPB)).toBe(0n);
  });

  it('slashes unbonding entries created at or after the infraction height, capped at their balance', () => {
    const entries = [
      { creationHeight: 5n, initialBalance: 1000n, balance: 1000n },
      { creationHeight: 10n, initialBalance: 1000n, balance: 1000n },
      { creationHeight: 12n, initialBalance: 1000n, balance: 20n },
    ];
    const r = slashUnbonding(entries, 10n, DOUBLE_SIGN_FRACTION_PPB);
    expect(r.entries.map((e) => e.balance)).toEqual([1000n, 950n, 0n]);
    expect(r.burned).toBe(70n);
  });
});
