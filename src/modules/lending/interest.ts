// Interest: simple (not compounding), on the outstanding principal, by block time.
//
//   interest(principal, rate_bps, seconds) = ceil(principal * rate_bps * seconds / (10000 * 31536000))
//
// computed in bigint, rounded up to the ucmt. A loan accrues at every repayment and at default:
// interest_owed += interest(principal_outstanding, rate_bps, until - accrued_through), then
// accrued_through = until. Interest accrues up to the end of the grace period at the latest.
// Unpaid interest bears no interest. Rounding up at each accrual means a borrower who repays in n
// parts pays at most n - 1 ucmt more than one who repays once; never less.

export const BPS = 10_000n;
export const SECONDS_PER_YEAR = 31_536_000n;

export function simpleInterest(principal: bigint, rateBps: bigint, seconds: bigint): bigint {
  if (principal <= 0n || rateBps <= 0n || seconds <= 0n) return 0n;
  const den = BPS * SECONDS_PER_YEAR;
  return (principal * rateBps * seconds + den - 1n) / den;
}

export interface Accrual {
  readonly principalOutstanding: bigint;
  readonly interestOwed: bigint;
  readonly accruedThrough: bigint;
}

/**
 * The loan's interest brought up to `until` (capped at `graceEndsAt`); times before accruedThrough
 * change nothing.
 */
export function accrue(a: Accrual, rateBps: bigint, until: bigint, graceEndsAt: bigint): Accrual {
  const to = until < graceEndsAt ? until : graceEndsAt;
  if (to <= a.accruedThrough) return a;
  return {
    principalOutstanding: a.principalOutstanding,
    interestOwed: a.interestOwed + simpleInterest(a.principalOutstanding, rateBps, to - a.accruedThrough),
    accruedThrough: to,
  };
}

/** Collateral a borrower must lock: ceil(amount * ratio_bps / 10000). */
export function requiredCollateral(amount: bigint, ratioBps: bigint): bigint {
  return (amount * ratioBps + BPS - 1n) / BPS;
}

/** How a repayment splits: accrued interest first, then principal. */
export function splitRepayment(payment: bigint, interestOwed: bigint): { interest: bigint; principal: bigint } {
  const interest = payment < interestOwed ? payment : interestOwed;
  return { interest, principal: payment - interest };
}

/** At default: the collateral goes to the lender up to what is owed, the rest back to the borrower. */
export function splitCollateral(collateral: bigint, owed: bigint): { toLender: bigint; toBorrower: bigint } {
  const toLender = collateral < owed ? collateral : owed;
  return { toLender, toBorrower: collateral - toLender };
}
