// What reputation offers other modules, as narrow interfaces app.ts passes in. Arbitration reads
// arbiter weights through its own ArbiterWeights (module.ts: reputationArbiterWeights); lending
// reads credit scores through CreditScores to gate unsecured loans.
import type { KVReader } from '../../store/types.js';
import { NEUTRAL } from './math.js';

/** A borrower's standing. Scores are ppm, 0 to 5,000,000; 2,500,000 means "no record". */
export interface CreditScore {
  /** From lending's record of the borrower's loans (BorrowerRecords); NEUTRAL without one. */
  readonly borrowerScore: bigint;
  /** Its trading reputation: seller and buyer records together, decayed, shrunk toward 2.5. */
  readonly traderScore: bigint;
  readonly repaidLoans: bigint;
  readonly defaultedLoans: bigint;
  /** Closed orders and their volume in ucmt, both sides. */
  readonly deals: bigint;
  readonly volume: bigint;
  readonly disputesLost: bigint;
}

export interface CreditScores {
  creditScore(store: KVReader, borrower: string, now: bigint): CreditScore;
}

/** A default with no data: everybody reads as neutral with no history. */
export const noCreditScores: CreditScores = {
  creditScore: () => ({
    borrowerScore: NEUTRAL,
    traderScore: NEUTRAL,
    repaidLoans: 0n,
    defaultedLoans: 0n,
    deals: 0n,
    volume: 0n,
    disputesLost: 0n,
  }),
};
