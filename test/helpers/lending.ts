// Shared pieces of the lending end-to-end test: a devnet with seconds-long terms and grace, block
// times of txs, and the interest formula written out independently of the module's code.
import type { CyberMilesClient } from '../../src/client/client.js';
import { moduleAddress } from '../../src/modules/auth/address.js';

/** Genesis parameters: terms from one second, a three-second grace period. */
export const SHORT_LENDING = {
  lending: {
    params: {
      gracePeriodSeconds: '3',
      minTermSeconds: '1',
      maxTermSeconds: '31536000',
      maxListingSeconds: '86400',
      maxRateBps: 100000,
      maxTimedTransitionsPerBlock: 1000,
    },
  },
} as const;

export const LENDING_ACCOUNT = moduleAddress('lending');

/** The time of block `height`, in Unix seconds (what the app sees as the block time). */
export async function blockTime(client: CyberMilesClient, height: number): Promise<bigint> {
  const block = await client.signing.getBlock(height);
  return BigInt(Math.floor(new Date(block.header.time).getTime() / 1000));
}

/** Simple interest, rounded up to the ucmt: principal * rate_bps * seconds / (10000 * 31536000). */
export function expectedInterest(principal: bigint, rateBps: bigint, seconds: bigint): bigint {
  const den = 10_000n * 31_536_000n;
  return (principal * rateBps * seconds + den - 1n) / den;
}
