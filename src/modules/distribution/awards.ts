// [staking] stage 2, NOT WIRED YET: the pure arithmetic of block awards. Nothing in the app calls
// this file; src/modules/distribution can be kept or dropped as a whole.
//
// Inflation: `rate_bps` a year of the genesis supply, paid per block by block time elapsed since
// the previous block. The division remainder is carried to the next block, so over any span the
// minted total is exactly floor(genesis_supply * rate * elapsed / year) — no loss to rounding.

export const YEAR_SECONDS = 365n * 24n * 3600n;

export interface InflationStep {
  readonly minted: bigint;
  /** Carry to the next block (numerator remainder, < 10000 * YEAR_SECONDS). */
  readonly carry: bigint;
}

export function inflationFor(genesisSupply: bigint, rateBps: bigint, elapsedSeconds: bigint, carry: bigint): InflationStep {
  if (elapsedSeconds <= 0n) return { minted: 0n, carry };
  const denom = 10_000n * YEAR_SECONDS;
  const numerator = genesisSupply * rateBps * elapsedSeconds + carry;
  return { minted: numerator / denom, carry: numerator % denom };
}

export interface Recipient {
  readonly key: string;
  readonly stake: bigint;
  /** Commission rate, LegacyDec atomics (10^18 = 100%). */
  readonly commissionRate: bigint;
}

export interface Share {
  readonly key: string;
  readonly commission: bigint;
  readonly delegators: bigint;
}

const DEC = 10n ** 18n;

/**
 * Splits `total` ucmt: `backupBps` (10%) among backups by stake, the rest among the active set by
 * stake (with no backups, all of it to the active set). Each validator's part: commission =
 * floor(part * rate), the rest to its delegators. Returns the shares and the remainder of the
 * integer divisions, which the caller keeps for the next block.
 */
export function splitAwards(total: bigint, active: readonly Recipient[], backups: readonly Recipient[], backupBps: bigint): { shares: Share[]; remainder: bigint } {
  const backupStake = backups.reduce((a, r) => a + r.stake, 0n);
  const backupPot = backupStake === 0n ? 0n : (total * backupBps) / 10_000n;
  const activePot = total - backupPot;
  const shares: Share[] = [];
  let paid = 0n;
  const pay = (pot: bigint, group: readonly Recipient[]) => {
    const stake = group.reduce((a, r) => a + r.stake, 0n);
    if (stake === 0n) return;
    for (const r of group) {
      const part = (pot * r.stake) / stake;
      const commission = (part * r.commissionRate) / DEC;
      shares.push({ key: r.key, commission, delegators: part - commission });
      paid += part;
    }
  };
  pay(activePot, active);
  pay(backupPot, backups);
  return { shares, remainder: total - paid };
}
