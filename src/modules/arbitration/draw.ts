// The deterministic arbiter draw: weighted by the arbiters' weights (bond × reputation), seeded by the
// hash of the block the draw happens in, the case id and the draw number. Every node computes the
// same result; no party chooses the seed. (A block proposer could in principle grind block hashes;
// the weighting by bond makes a captured draw expensive.)
import { createHash } from 'node:crypto';
import { uint64BE } from '../../util/bytes.js';

export interface Candidate {
  readonly address: string;
  readonly weight: bigint;
}

export function drawSeed(blockHash: Uint8Array, caseId: bigint, draw: number): bigint {
  const digest = createHash('sha256').update(blockHash).update(uint64BE(caseId)).update(uint64BE(BigInt(draw))).digest('hex');
  return BigInt('0x' + digest);
}

/** Picks one candidate with probability proportional to its weight; candidates in address order. */
export function weightedPick(candidates: readonly Candidate[], seed: bigint): string | undefined {
  const total = candidates.reduce((s, c) => s + c.weight, 0n);
  if (total === 0n) return undefined;
  let r = seed % total;
  for (const c of candidates) {
    if (r < c.weight) return c.address;
    r -= c.weight;
  }
  return undefined;
}
