// The credit score: a deterministic integer 0..1000 computed from a borrower's credit history.
//
//   earned   = min(500, 50 * repaid_on_time + 20 * repaid_late)
//   share    = amount_borrowed = 0 ? 0 : floor(250 * min(amount_defaulted, amount_borrowed) / amount_borrowed)
//   score    = clamp(0, 1000, 500 + earned - 150 * defaulted - share)
//
// A borrower without history starts at 500. Ten loans repaid on time reach 1000; one default on a
// first loan (whose defaulted amount is at least the principal) drops the score to 100.
import type { CreditHistory } from '../../generated/cybermiles/lending/v1/lending.js';

export const STARTING_SCORE = 500n;
export const MAX_SCORE = 1000n;
export const ON_TIME_POINTS = 50n;
export const LATE_POINTS = 20n;
export const MAX_EARNED = 500n;
export const DEFAULT_PENALTY = 150n;
export const DEFAULTED_SHARE_PENALTY = 250n;

export type ScoreInputs = Pick<CreditHistory, 'repaidOnTime' | 'repaidLate' | 'defaulted' | 'amountBorrowed' | 'amountDefaulted'>;

const amount = (s: string): bigint => (s === '' ? 0n : BigInt(s));

export function creditScore(h: ScoreInputs): bigint {
  const repaid = ON_TIME_POINTS * h.repaidOnTime + LATE_POINTS * h.repaidLate;
  const earned = repaid < MAX_EARNED ? repaid : MAX_EARNED;
  const borrowed = amount(h.amountBorrowed);
  const lost = amount(h.amountDefaulted);
  const share = borrowed === 0n ? 0n : (DEFAULTED_SHARE_PENALTY * (lost < borrowed ? lost : borrowed)) / borrowed;
  const raw = STARTING_SCORE + earned - DEFAULT_PENALTY * h.defaulted - share;
  return raw < 0n ? 0n : raw > MAX_SCORE ? MAX_SCORE : raw;
}
