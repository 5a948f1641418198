// What reputation needs from other modules, as narrow interfaces that app.ts fills in.
import type { Order } from '../../generated/cybermiles/escrow/v1/escrow.js';
import type { KVReader } from '../../store/types.js';

/** Escrow's orders, read-only: who traded, for how much, and whether and when the order closed. */
export interface ReviewableOrders {
  getOrder(store: KVReader, id: bigint): Order | undefined;
}

/** A borrower's record as lending keeps it. */
export interface BorrowerRecord {
  readonly repaidLoans: bigint;
  readonly defaultedLoans: bigint;
  /** Lending's credit score on reputation's scale: ppm, 0 to 5,000,000. */
  readonly score: bigint;
}

/**
 * Lending's credit records, read-only: lending implements it (app.ts adapts lending's own score to
 * the 0..5 scale). Until it is wired, noBorrowerRecords: nobody has a borrower record.
 */
export interface BorrowerRecords {
  borrowerRecord(store: KVReader, address: string): BorrowerRecord | undefined;
}

export const noBorrowerRecords: BorrowerRecords = { borrowerRecord: () => undefined };
