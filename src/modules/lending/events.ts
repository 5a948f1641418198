// lending events: one per transition, each with the offer, request or loan id and the parties, all
// indexed (tx_search "lending_loan_started.borrower='cmt1…'"; end-block events via block_search).
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent, type Attributes } from '../../events/event.js';
import {
  LoanStatus,
  OfferStatus,
  RequestStatus,
  type CreditHistory,
  type Loan,
  type LoanRequest,
  type Offer,
} from '../../generated/cybermiles/lending/v1/lending.js';

export const LendingEvents = {
  offerCreated: 'lending_offer_created',
  offerCancelled: 'lending_offer_cancelled',
  offerExpired: 'lending_offer_expired',
  offerTaken: 'lending_offer_taken',
  requestCreated: 'lending_request_created',
  requestCancelled: 'lending_request_cancelled',
  requestExpired: 'lending_request_expired',
  requestFunded: 'lending_request_funded',
  loanStarted: 'lending_loan_started',
  repayment: 'lending_loan_repayment',
  loanRepaid: 'lending_loan_repaid',
  loanDefaulted: 'lending_loan_defaulted',
  creditUpdated: 'lending_credit_updated',
} as const;

const lower = (name: string | undefined, prefix: RegExp, fallback: number): string => (name ?? String(fallback)).replace(prefix, '').toLowerCase();
export const offerStatusName = (s: OfferStatus): string => lower(OfferStatus[s], /^OFFER_STATUS_/, s);
export const requestStatusName = (s: RequestStatus): string => lower(RequestStatus[s], /^REQUEST_STATUS_/, s);
export const loanStatusName = (s: LoanStatus): string => lower(LoanStatus[s], /^LOAN_STATUS_/, s);

export function offerEvent(type: string, o: Offer, extra: Attributes = []): Event {
  return makeEvent(type, [
    ['offer_id', o.id.toString()],
    ['lender', o.lender],
    ['amount', o.amount],
    ['rate_bps', o.rateBps.toString()],
    ['term_seconds', o.termSeconds.toString()],
    ['status', offerStatusName(o.status)],
    ...extra,
  ]);
}

export function requestEvent(type: string, r: LoanRequest, extra: Attributes = []): Event {
  return makeEvent(type, [
    ['request_id', r.id.toString()],
    ['borrower', r.borrower],
    ['amount', r.amount],
    ['max_rate_bps', r.maxRateBps.toString()],
    ['term_seconds', r.termSeconds.toString()],
    ['status', requestStatusName(r.status)],
    ...extra,
  ]);
}

export function loanEvent(type: string, l: Loan, extra: Attributes = []): Event {
  return makeEvent(type, [
    ['loan_id', l.id.toString()],
    ['lender', l.lender],
    ['borrower', l.borrower],
    ['offer_id', l.offerId.toString()],
    ['request_id', l.requestId.toString()],
    ['status', loanStatusName(l.status)],
    ...extra,
  ]);
}

export function creditEvent(h: CreditHistory, score: bigint): Event {
  return makeEvent(LendingEvents.creditUpdated, [
    ['borrower', h.borrower],
    ['score', score.toString()],
    ['loans_taken', h.loansTaken.toString()],
    ['repaid_on_time', h.repaidOnTime.toString()],
    ['repaid_late', h.repaidLate.toString()],
    ['defaulted', h.defaulted.toString()],
  ]);
}
