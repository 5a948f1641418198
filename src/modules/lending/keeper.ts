// lending keeper: offers, requests, loans and credit histories. Funds: an open offer's amount and
// the collateral of open requests and active loans sit in lending's module account; principal and
// repayments go straight to the other party. Every way out pays back exactly what was locked.
import type { TxContext } from '../../app/module.js';
import {
  CreditHistory,
  Loan,
  LoanRequest,
  LoanStatus,
  Offer,
  OfferStatus,
  RequestStatus,
  type Params,
} from '../../generated/cybermiles/lending/v1/lending.js';
import { prefixRange } from '../../store/range.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { concat, readUint64BE, uint64BE } from '../../util/bytes.js';
import { parseAddress } from '../auth/address.js';
import { parseAmount } from '../bank/coins.js';
import {
  ErrExpired,
  ErrInsufficientCollateral,
  ErrInvalidAmount,
  ErrInvalidExpiry,
  ErrInvalidRate,
  ErrInvalidScore,
  ErrInvalidTerm,
  ErrLoanNotFound,
  ErrNotParty,
  ErrOfferNotFound,
  ErrOverpayment,
  ErrPastGrace,
  ErrRateAboveMax,
  ErrRequestNotFound,
  ErrSameParty,
  ErrScoreTooLow,
  ErrWrongStatus,
} from './errors.js';
import { creditEvent, LendingEvents, loanEvent, loanStatusName, offerEvent, offerStatusName, requestEvent, requestStatusName } from './events.js';
import type { CreditScores, LendingBank } from './expected-keepers.js';
import { accrue, requiredCollateral, splitCollateral, splitRepayment, type Accrual } from './interest.js';
import {
  byBorrowerKey,
  byLenderKey,
  DEFAULT_QUEUE_PREFIX,
  defaultQueueKey,
  HISTORY_PREFIX,
  historyKey,
  idAtEnd,
  LOAN_PREFIX,
  loanKey,
  NEXT_LOAN_ID_KEY,
  NEXT_OFFER_ID_KEY,
  NEXT_REQUEST_ID_KEY,
  OFFER_EXPIRY_QUEUE_PREFIX,
  OFFER_PREFIX,
  offerExpiryKey,
  offerKey,
  openOfferKey,
  openRequestKey,
  PRESENT,
  REQUEST_EXPIRY_QUEUE_PREFIX,
  REQUEST_PREFIX,
  requestExpiryKey,
  requestKey,
} from './keys.js';
import { getLendingParams } from './params.js';
import { creditScore, MAX_SCORE } from './score.js';

export interface NewOffer {
  readonly lender: string;
  readonly amount: string;
  readonly rateBps: number;
  readonly termSeconds: bigint;
  readonly collateralRatioBps: number;
  readonly minCreditScore: number;
  readonly expiresAt: bigint;
}

export interface NewRequest {
  readonly borrower: string;
  readonly amount: string;
  readonly maxRateBps: number;
  readonly termSeconds: bigint;
  readonly collateral: string;
  readonly expiresAt: bigint;
}

export interface RepayResult {
  readonly interestPaid: bigint;
  readonly principalPaid: bigint;
  readonly remaining: bigint;
  readonly closed: boolean;
}

const OPEN_OFFER = OfferStatus.OFFER_STATUS_OPEN;
const OPEN_REQUEST = RequestStatus.REQUEST_STATUS_OPEN;
const ACTIVE = LoanStatus.LOAN_STATUS_ACTIVE;

/** A decimal ucmt string of state ('' reads as 0). */
export const amountOf = (s: string): bigint => (s === '' ? 0n : BigInt(s));

/** What an offer holds in lending's account: its amount while open. */
export function lockedByOffer(o: Offer): bigint {
  return o.status === OPEN_OFFER ? amountOf(o.amount) : 0n;
}

/** What a request holds: its collateral while open (a funded request's collateral is its loan's). */
export function lockedByRequest(r: LoanRequest): bigint {
  return r.status === OPEN_REQUEST ? amountOf(r.collateral) : 0n;
}

/** What a loan holds: its collateral while active. */
export function lockedByLoan(l: Loan): bigint {
  return l.status === ACTIVE ? amountOf(l.collateral) : 0n;
}

/** The loan's interest state, as the interest functions take it. */
export function accrualOf(l: Loan): Accrual {
  return { principalOutstanding: amountOf(l.principalOutstanding), interestOwed: amountOf(l.interestOwed), accruedThrough: l.accruedThrough };
}

export function emptyHistory(borrower: string): CreditHistory {
  return CreditHistory.fromPartial({ borrower, amountBorrowed: '0', amountRepaid: '0', amountDefaulted: '0' });
}

/** A whole number of ucmt, '' meaning 0 (unsecured collateral). */
function optionalAmount(s: string, field: string): bigint {
  return s === '' ? 0n : parseAmount(s, field);
}

function positiveAmount(s: string, field: string): bigint {
  const a = parseAmount(s, field);
  if (a === 0n) throw ErrInvalidAmount(`${field} must be positive`);
  return a;
}

export class LendingKeeper implements CreditScores {
  constructor(private readonly bank: LendingBank) {}

  params(store: KVReader): Params {
    return getLendingParams(store);
  }

  // ---- records ----

  getOffer(store: KVReader, id: bigint): Offer | undefined {
    const raw = store.get(offerKey(id));
    return raw === undefined ? undefined : Offer.decode(raw);
  }

  mustGetOffer(store: KVReader, id: bigint): Offer {
    const o = this.getOffer(store, id);
    if (o === undefined) throw ErrOfferNotFound(`offer ${id} does not exist`);
    return o;
  }

  getRequest(store: KVReader, id: bigint): LoanRequest | undefined {
    const raw = store.get(requestKey(id));
    return raw === undefined ? undefined : LoanRequest.decode(raw);
  }

  mustGetRequest(store: KVReader, id: bigint): LoanRequest {
    const r = this.getRequest(store, id);
    if (r === undefined) throw ErrRequestNotFound(`loan request ${id} does not exist`);
    return r;
  }

  getLoan(store: KVReader, id: bigint): Loan | undefined {
    const raw = store.get(loanKey(id));
    return raw === undefined ? undefined : Loan.decode(raw);
  }

  mustGetLoan(store: KVReader, id: bigint): Loan {
    const l = this.getLoan(store, id);
    if (l === undefined) throw ErrLoanNotFound(`loan ${id} does not exist`);
    return l;
  }

  /** The borrower's credit history; an empty one for an address that never borrowed. */
  history(store: KVReader, borrower: string): CreditHistory {
    const raw = store.get(historyKey(parseAddress(borrower, 'borrower')));
    return raw === undefined ? emptyHistory(borrower) : CreditHistory.decode(raw);
  }

  /** CreditScores: the borrower's score from its history (500 without one). */
  scoreOf(store: KVReader, address: string): bigint {
    return creditScore(this.history(store, address));
  }

  private setOffer(store: KVStore, o: Offer): void {
    store.set(offerKey(o.id), Offer.encode(o).finish());
  }

  private setRequest(store: KVStore, r: LoanRequest): void {
    store.set(requestKey(r.id), LoanRequest.encode(r).finish());
  }

  private setLoan(store: KVStore, l: Loan): void {
    store.set(loanKey(l.id), Loan.encode(l).finish());
  }

  private setHistory(store: KVStore, h: CreditHistory): void {
    store.set(historyKey(parseAddress(h.borrower, 'borrower')), CreditHistory.encode(h).finish());
  }

  private nextId(store: KVReader, key: Uint8Array): bigint {
    const raw = store.get(key);
    return raw === undefined ? 1n : readUint64BE(raw);
  }

  nextOfferId(store: KVReader): bigint {
    return this.nextId(store, NEXT_OFFER_ID_KEY);
  }

  nextRequestId(store: KVReader): bigint {
    return this.nextId(store, NEXT_REQUEST_ID_KEY);
  }

  nextLoanId(store: KVReader): bigint {
    return this.nextId(store, NEXT_LOAN_ID_KEY);
  }

  setNextIds(store: KVStore, ids: { offer: bigint; request: bigint; loan: bigint }): void {
    store.set(NEXT_OFFER_ID_KEY, uint64BE(ids.offer));
    store.set(NEXT_REQUEST_ID_KEY, uint64BE(ids.request));
    store.set(NEXT_LOAN_ID_KEY, uint64BE(ids.loan));
  }

  private takeId(store: KVStore, key: Uint8Array): bigint {
    const id = this.nextId(store, key);
    store.set(key, uint64BE(id + 1n));
    return id;
  }

  // ---- indexes and queues ----

  private indexOpenOffer(store: KVStore, o: Offer): void {
    store.set(openOfferKey(o.rateBps, o.id), PRESENT);
    store.set(offerExpiryKey(o.expiresAt, o.id), PRESENT);
  }

  private unindexOpenOffer(store: KVStore, o: Offer): void {
    store.delete(openOfferKey(o.rateBps, o.id));
    store.delete(offerExpiryKey(o.expiresAt, o.id));
  }

  private indexOpenRequest(store: KVStore, r: LoanRequest): void {
    store.set(openRequestKey(r.maxRateBps, r.id), PRESENT);
    store.set(requestExpiryKey(r.expiresAt, r.id), PRESENT);
  }

  private unindexOpenRequest(store: KVStore, r: LoanRequest): void {
    store.delete(openRequestKey(r.maxRateBps, r.id));
    store.delete(requestExpiryKey(r.expiresAt, r.id));
  }

  private indexLoan(store: KVStore, l: Loan): void {
    store.set(byLenderKey(parseAddress(l.lender, 'lender'), l.id), PRESENT);
    store.set(byBorrowerKey(parseAddress(l.borrower, 'borrower'), l.id), PRESENT);
    if (l.status === ACTIVE) store.set(defaultQueueKey(l.graceEndsAt, l.id), PRESENT);
  }

  // ---- genesis ----

  importOffer(store: KVStore, o: Offer): void {
    parseAddress(o.lender, 'lender');
    this.setOffer(store, o);
    if (o.status === OPEN_OFFER) this.indexOpenOffer(store, o);
  }

  importRequest(store: KVStore, r: LoanRequest): void {
    parseAddress(r.borrower, 'borrower');
    this.setRequest(store, r);
    if (r.status === OPEN_REQUEST) this.indexOpenRequest(store, r);
  }

  importLoan(store: KVStore, l: Loan): void {
    this.setLoan(store, l);
    this.indexLoan(store, l);
  }

  importHistory(store: KVStore, h: CreditHistory): void {
    this.setHistory(store, h);
  }

  async *iterateOffers(store: KVReader): AsyncGenerator<Offer> {
    for await (const [, v] of store.iterate(prefixRange(OFFER_PREFIX))) yield Offer.decode(v);
  }

  async *iterateRequests(store: KVReader): AsyncGenerator<LoanRequest> {
    for await (const [, v] of store.iterate(prefixRange(REQUEST_PREFIX))) yield LoanRequest.decode(v);
  }

  async *iterateLoans(store: KVReader): AsyncGenerator<Loan> {
    for await (const [, v] of store.iterate(prefixRange(LOAN_PREFIX))) yield Loan.decode(v);
  }

  async *iterateHistories(store: KVReader): AsyncGenerator<CreditHistory> {
    for await (const [, v] of store.iterate(prefixRange(HISTORY_PREFIX))) yield CreditHistory.decode(v);
  }

  // ---- checks ----

  private checkRate(rateBps: number, field: string, params: Params): void {
    if (rateBps > params.maxRateBps) throw ErrInvalidRate(`${field} ${rateBps} is above the maximum ${params.maxRateBps} basis points a year`);
  }

  private checkTerm(term: bigint, params: Params): void {
    if (term < params.minTermSeconds || term > params.maxTermSeconds) {
      throw ErrInvalidTerm(`term_seconds ${term} is outside [${params.minTermSeconds}, ${params.maxTermSeconds}]`);
    }
  }

  private checkExpiry(expiresAt: bigint, now: bigint, params: Params): void {
    if (expiresAt <= now) throw ErrInvalidExpiry(`expires_at ${expiresAt} is not after the block time ${now}`);
    if (expiresAt - now > params.maxListingSeconds) throw ErrInvalidExpiry(`expires_at is more than ${params.maxListingSeconds} seconds away`);
  }

  private expectOpenOffer(o: Offer, action: string): void {
    if (o.status === OfferStatus.OFFER_STATUS_EXPIRED) throw ErrExpired(`offer ${o.id} expired at ${o.expiresAt}`);
    if (o.status !== OPEN_OFFER) throw ErrWrongStatus(`offer ${o.id} is ${offerStatusName(o.status)}; ${action} needs an open offer`);
  }

  private expectOpenRequest(r: LoanRequest, action: string): void {
    if (r.status === RequestStatus.REQUEST_STATUS_EXPIRED) throw ErrExpired(`loan request ${r.id} expired at ${r.expiresAt}`);
    if (r.status !== OPEN_REQUEST) throw ErrWrongStatus(`loan request ${r.id} is ${requestStatusName(r.status)}; ${action} needs an open request`);
  }

  private lock(ctx: TxContext, from: string, amount: bigint): void {
    if (amount > 0n) this.bank.lock(ctx, parseAddress(from), amount);
  }

  private release(ctx: TxContext, to: string, amount: bigint): void {
    if (amount > 0n) this.bank.release(ctx, parseAddress(to), amount);
  }

  private updateHistory(ctx: TxContext, borrower: string, change: (h: CreditHistory) => void): void {
    const h = this.history(ctx.store, borrower);
    change(h);
    this.setHistory(ctx.store, h);
    ctx.events.emit(creditEvent(h, creditScore(h)));
  }

  // ---- offers ----

  createOffer(ctx: TxContext, m: NewOffer): Offer {
    const params = this.params(ctx.store);
    const now = ctx.block.timeSeconds;
    parseAddress(m.lender, 'lender');
    const amount = positiveAmount(m.amount, 'amount');
    this.checkRate(m.rateBps, 'rate_bps', params);
    this.checkTerm(m.termSeconds, params);
    if (BigInt(m.minCreditScore) > MAX_SCORE) throw ErrInvalidScore(`min_credit_score ${m.minCreditScore} is above ${MAX_SCORE}`);
    this.checkExpiry(m.expiresAt, now, params);
    const id = this.takeId(ctx.store, NEXT_OFFER_ID_KEY);
    this.lock(ctx, m.lender, amount);
    const offer = Offer.fromPartial({
      id,
      lender: m.lender,
      amount: amount.toString(),
      rateBps: m.rateBps,
      termSeconds: m.termSeconds,
      collateralRatioBps: m.collateralRatioBps,
      minCreditScore: m.minCreditScore,
      expiresAt: m.expiresAt,
      status: OPEN_OFFER,
      createdAt: now,
    });
    this.setOffer(ctx.store, offer);
    this.indexOpenOffer(ctx.store, offer);
    ctx.events.emit(
      offerEvent(LendingEvents.offerCreated, offer, [
        ['collateral_ratio_bps', offer.collateralRatioBps.toString()],
        ['min_credit_score', offer.minCreditScore.toString()],
        ['expires_at', offer.expiresAt.toString()],
      ]),
    );
    return offer;
  }

  cancelOffer(ctx: TxContext, sender: string, id: bigint): void {
    const o = this.mustGetOffer(ctx.store, id);
    if (sender !== o.lender) throw ErrNotParty(`only the lender of offer ${id} may cancel it`);
    this.expectOpenOffer(o, 'cancelling');
    this.release(ctx, o.lender, amountOf(o.amount));
    this.closeOffer(ctx, o, OfferStatus.OFFER_STATUS_CANCELLED, LendingEvents.offerCancelled);
  }

  private closeOffer(ctx: TxContext, o: Offer, status: OfferStatus, event: string, extra: ReadonlyArray<readonly [string, string]> = []): void {
    this.unindexOpenOffer(ctx.store, o);
    o.status = status;
    o.closedAt = ctx.block.timeSeconds;
    this.setOffer(ctx.store, o);
    ctx.events.emit(offerEvent(event, o, extra));
  }

  takeOffer(ctx: TxContext, borrower: string, offerId: bigint, collateralText: string): Loan {
    const o = this.mustGetOffer(ctx.store, offerId);
    this.expectOpenOffer(o, 'taking');
    const now = ctx.block.timeSeconds;
    if (now >= o.expiresAt) throw ErrExpired(`offer ${offerId} expired at ${o.expiresAt}`);
    if (borrower === o.lender) throw ErrSameParty(`${borrower} cannot take its own offer ${offerId}`);
    const score = this.scoreOf(ctx.store, borrower);
    if (score < BigInt(o.minCreditScore)) {
      throw ErrScoreTooLow(`credit score ${score} of ${borrower} is below offer ${offerId}'s minimum ${o.minCreditScore}`);
    }
    const amount = amountOf(o.amount);
    const collateral = optionalAmount(collateralText, 'collateral');
    const required = requiredCollateral(amount, BigInt(o.collateralRatioBps));
    if (collateral < required) {
      throw ErrInsufficientCollateral(
        `offer ${offerId} needs at least ${required}ucmt of collateral (${o.collateralRatioBps} basis points of ${amount}ucmt), got ${collateral}ucmt`,
      );
    }
    this.lock(ctx, borrower, collateral);
    this.release(ctx, borrower, amount);
    const loan = this.startLoan(ctx, { lender: o.lender, borrower, principal: amount, rateBps: o.rateBps, termSeconds: o.termSeconds, collateral, offerId, requestId: 0n });
    o.loanId = loan.id;
    this.closeOffer(ctx, o, OfferStatus.OFFER_STATUS_TAKEN, LendingEvents.offerTaken, [
      ['borrower', borrower],
      ['loan_id', loan.id.toString()],
    ]);
    return loan;
  }

  // ---- requests ----

  createRequest(ctx: TxContext, m: NewRequest): LoanRequest {
    const params = this.params(ctx.store);
    const now = ctx.block.timeSeconds;
    parseAddress(m.borrower, 'borrower');
    const amount = positiveAmount(m.amount, 'amount');
    this.checkRate(m.maxRateBps, 'max_rate_bps', params);
    this.checkTerm(m.termSeconds, params);
    const collateral = optionalAmount(m.collateral, 'collateral');
    this.checkExpiry(m.expiresAt, now, params);
    const id = this.takeId(ctx.store, NEXT_REQUEST_ID_KEY);
    this.lock(ctx, m.borrower, collateral);
    const request = LoanRequest.fromPartial({
      id,
      borrower: m.borrower,
      amount: amount.toString(),
      maxRateBps: m.maxRateBps,
      termSeconds: m.termSeconds,
      collateral: collateral.toString(),
      expiresAt: m.expiresAt,
      status: OPEN_REQUEST,
      createdAt: now,
    });
    this.setRequest(ctx.store, request);
    this.indexOpenRequest(ctx.store, request);
    ctx.events.emit(
      requestEvent(LendingEvents.requestCreated, request, [
        ['collateral', request.collateral],
        ['expires_at', request.expiresAt.toString()],
      ]),
    );
    return request;
  }

  cancelRequest(ctx: TxContext, sender: string, id: bigint): void {
    const r = this.mustGetRequest(ctx.store, id);
    if (sender !== r.borrower) throw ErrNotParty(`only the borrower of loan request ${id} may cancel it`);
    this.expectOpenRequest(r, 'cancelling');
    this.release(ctx, r.borrower, amountOf(r.collateral));
    this.closeRequest(ctx, r, RequestStatus.REQUEST_STATUS_CANCELLED, LendingEvents.requestCancelled);
  }

  private closeRequest(ctx: TxContext, r: LoanRequest, status: RequestStatus, event: string, extra: ReadonlyArray<readonly [string, string]> = []): void {
    this.unindexOpenRequest(ctx.store, r);
    r.status = status;
    r.closedAt = ctx.block.timeSeconds;
    this.setRequest(ctx.store, r);
    ctx.events.emit(requestEvent(event, r, extra));
  }

  fundRequest(ctx: TxContext, lender: string, requestId: bigint, rateBps: number): Loan {
    const r = this.mustGetRequest(ctx.store, requestId);
    this.expectOpenRequest(r, 'funding');
    const now = ctx.block.timeSeconds;
    if (now >= r.expiresAt) throw ErrExpired(`loan request ${requestId} expired at ${r.expiresAt}`);
    if (lender === r.borrower) throw ErrSameParty(`${lender} cannot fund its own loan request ${requestId}`);
    if (rateBps > r.maxRateBps) throw ErrRateAboveMax(`rate ${rateBps} basis points is above loan request ${requestId}'s maximum ${r.maxRateBps}`);
    const amount = amountOf(r.amount);
    this.bank.transfer(ctx, parseAddress(lender, 'lender'), parseAddress(r.borrower), amount);
    // The request's collateral, already in lending's account, now secures the loan.
    const loan = this.startLoan(ctx, {
      lender,
      borrower: r.borrower,
      principal: amount,
      rateBps,
      termSeconds: r.termSeconds,
      collateral: amountOf(r.collateral),
      offerId: 0n,
      requestId,
    });
    r.loanId = loan.id;
    this.closeRequest(ctx, r, RequestStatus.REQUEST_STATUS_FUNDED, LendingEvents.requestFunded, [
      ['lender', lender],
      ['rate_bps', rateBps.toString()],
      ['loan_id', loan.id.toString()],
    ]);
    return loan;
  }

  // ---- loans ----

  private startLoan(
    ctx: TxContext,
    t: { lender: string; borrower: string; principal: bigint; rateBps: number; termSeconds: bigint; collateral: bigint; offerId: bigint; requestId: bigint },
  ): Loan {
    const params = this.params(ctx.store);
    const now = ctx.block.timeSeconds;
    const id = this.takeId(ctx.store, NEXT_LOAN_ID_KEY);
    const dueAt = now + t.termSeconds;
    const loan = Loan.fromPartial({
      id,
      lender: t.lender,
      borrower: t.borrower,
      principal: t.principal.toString(),
      rateBps: t.rateBps,
      termSeconds: t.termSeconds,
      collateral: t.collateral.toString(),
      startedAt: now,
      dueAt,
      graceEndsAt: dueAt + params.gracePeriodSeconds,
      principalOutstanding: t.principal.toString(),
      interestOwed: '0',
      accruedThrough: now,
      principalRepaid: '0',
      interestPaid: '0',
      status: ACTIVE,
      offerId: t.offerId,
      requestId: t.requestId,
      owedAtDefault: '0',
      collateralToLender: '0',
      collateralReturned: '0',
    });
    this.setLoan(ctx.store, loan);
    this.indexLoan(ctx.store, loan);
    ctx.events.emit(
      loanEvent(LendingEvents.loanStarted, loan, [
        ['principal', loan.principal],
        ['rate_bps', loan.rateBps.toString()],
        ['collateral', loan.collateral],
        ['due_at', loan.dueAt.toString()],
        ['grace_ends_at', loan.graceEndsAt.toString()],
      ]),
    );
    this.updateHistory(ctx, t.borrower, (h) => {
      h.loansTaken += 1n;
      h.amountBorrowed = (amountOf(h.amountBorrowed) + t.principal).toString();
    });
    return loan;
  }

  /** Principal outstanding plus interest accrued up to `time` (capped at the end of the grace period). */
  owedAt(loan: Loan, time: bigint): bigint {
    const a = accrue(accrualOf(loan), BigInt(loan.rateBps), time, loan.graceEndsAt);
    return a.principalOutstanding + a.interestOwed;
  }

  repay(ctx: TxContext, sender: string, loanId: bigint, amountText: string, all: boolean): RepayResult {
    const loan = this.mustGetLoan(ctx.store, loanId);
    if (sender !== loan.borrower) throw ErrNotParty(`only the borrower of loan ${loanId} may repay it`);
    if (loan.status !== ACTIVE) throw ErrWrongStatus(`loan ${loanId} is ${loanStatusName(loan.status)}; repaying needs an active loan`);
    const now = ctx.block.timeSeconds;
    if (now > loan.graceEndsAt) throw ErrPastGrace(`loan ${loanId}'s grace period ended at ${loan.graceEndsAt}; it defaults`);
    const a = accrue(accrualOf(loan), BigInt(loan.rateBps), now, loan.graceEndsAt);
    const owed = a.principalOutstanding + a.interestOwed;
    let payment: bigint;
    if (all) {
      if (amountText !== '') throw ErrInvalidAmount('amount must be empty when all is set');
      payment = owed;
    } else {
      payment = positiveAmount(amountText, 'amount');
      if (payment > owed) {
        throw ErrOverpayment(
          `repayment of ${payment}ucmt exceeds the ${owed}ucmt owed on loan ${loanId} at block time ${now} (principal ${a.principalOutstanding}ucmt, interest ${a.interestOwed}ucmt)`,
        );
      }
    }
    const split = splitRepayment(payment, a.interestOwed);
    this.bank.transfer(ctx, parseAddress(loan.borrower), parseAddress(loan.lender), payment);
    const remainingPrincipal = a.principalOutstanding - split.principal;
    const remainingInterest = a.interestOwed - split.interest;
    loan.principalOutstanding = remainingPrincipal.toString();
    loan.interestOwed = remainingInterest.toString();
    loan.accruedThrough = a.accruedThrough;
    loan.principalRepaid = (amountOf(loan.principalRepaid) + split.principal).toString();
    loan.interestPaid = (amountOf(loan.interestPaid) + split.interest).toString();
    const remaining = remainingPrincipal + remainingInterest;
    ctx.events.emit(
      loanEvent(LendingEvents.repayment, loan, [
        ['amount', payment.toString()],
        ['interest_paid', split.interest.toString()],
        ['principal_paid', split.principal.toString()],
        ['remaining', remaining.toString()],
      ]),
    );
    const closed = remaining === 0n;
    const onTime = now <= loan.dueAt;
    if (closed) {
      ctx.store.delete(defaultQueueKey(loan.graceEndsAt, loan.id));
      this.release(ctx, loan.borrower, amountOf(loan.collateral));
      loan.status = onTime ? LoanStatus.LOAN_STATUS_REPAID : LoanStatus.LOAN_STATUS_REPAID_LATE;
      loan.closedAt = now;
      ctx.events.emit(
        loanEvent(LendingEvents.loanRepaid, loan, [
          ['interest_paid', loan.interestPaid],
          ['collateral_returned', loan.collateral],
          ['on_time', onTime ? 'true' : 'false'],
        ]),
      );
    }
    this.setLoan(ctx.store, loan);
    this.updateHistory(ctx, loan.borrower, (h) => {
      h.amountRepaid = (amountOf(h.amountRepaid) + payment).toString();
      if (closed && onTime) h.repaidOnTime += 1n;
      if (closed && !onTime) h.repaidLate += 1n;
    });
    return { interestPaid: split.interest, principalPaid: split.principal, remaining, closed };
  }

  /** The grace period is over: collateral to the lender up to what is owed, the rest back. */
  private defaultLoan(ctx: TxContext, id: bigint): void {
    const loan = this.mustGetLoan(ctx.store, id);
    if (loan.status !== ACTIVE) throw new Error(`default queue holds loan ${id} in status ${loanStatusName(loan.status)}`);
    const a = accrue(accrualOf(loan), BigInt(loan.rateBps), loan.graceEndsAt, loan.graceEndsAt);
    const owed = a.principalOutstanding + a.interestOwed;
    const split = splitCollateral(amountOf(loan.collateral), owed);
    ctx.store.delete(defaultQueueKey(loan.graceEndsAt, id));
    this.release(ctx, loan.lender, split.toLender);
    this.release(ctx, loan.borrower, split.toBorrower);
    loan.interestOwed = a.interestOwed.toString();
    loan.accruedThrough = a.accruedThrough;
    loan.status = LoanStatus.LOAN_STATUS_DEFAULTED;
    loan.closedAt = ctx.block.timeSeconds;
    loan.owedAtDefault = owed.toString();
    loan.collateralToLender = split.toLender.toString();
    loan.collateralReturned = split.toBorrower.toString();
    this.setLoan(ctx.store, loan);
    ctx.events.emit(
      loanEvent(LendingEvents.loanDefaulted, loan, [
        ['owed', loan.owedAtDefault],
        ['collateral_to_lender', loan.collateralToLender],
        ['collateral_returned', loan.collateralReturned],
      ]),
    );
    this.updateHistory(ctx, loan.borrower, (h) => {
      h.defaulted += 1n;
      h.amountDefaulted = (amountOf(h.amountDefaulted) + owed).toString();
    });
  }

  private expireOffer(ctx: TxContext, id: bigint): void {
    const o = this.mustGetOffer(ctx.store, id);
    if (o.status !== OPEN_OFFER) throw new Error(`offer expiry queue holds offer ${id} in status ${offerStatusName(o.status)}`);
    this.release(ctx, o.lender, amountOf(o.amount));
    this.closeOffer(ctx, o, OfferStatus.OFFER_STATUS_EXPIRED, LendingEvents.offerExpired);
  }

  private expireRequest(ctx: TxContext, id: bigint): void {
    const r = this.mustGetRequest(ctx.store, id);
    if (r.status !== OPEN_REQUEST) throw new Error(`request expiry queue holds request ${id} in status ${requestStatusName(r.status)}`);
    this.release(ctx, r.borrower, amountOf(r.collateral));
    this.closeRequest(ctx, r, RequestStatus.REQUEST_STATUS_EXPIRED, LendingEvents.requestExpired);
  }

  /** Runs `act` on up to `budget` ids queued before time `before`, in queue order; returns how many. */
  private async runQueue(ctx: TxContext, prefix: Uint8Array, before: bigint, budget: number, act: (id: bigint) => void): Promise<number> {
    if (budget <= 0) return 0;
    const due: bigint[] = [];
    for await (const [key] of ctx.store.iterate({ gte: prefix, lt: concat(prefix, uint64BE(before)), limit: budget })) due.push(idAtEnd(key));
    for (const id of due) act(id);
    return due.length;
  }

  /**
   * Timed transitions, at most max_timed_transitions_per_block in all, oldest first: defaults
   * (loans whose grace period ended before this block's time) first, then expired offers, then
   * expired requests (expires_at at or before this block's time). What is left waits for the next
   * block.
   */
  async endBlock(ctx: TxContext): Promise<void> {
    const now = ctx.block.timeSeconds;
    let budget = this.params(ctx.store).maxTimedTransitionsPerBlock;
    budget -= await this.runQueue(ctx, DEFAULT_QUEUE_PREFIX, now, budget, (id) => this.defaultLoan(ctx, id));
    budget -= await this.runQueue(ctx, OFFER_EXPIRY_QUEUE_PREFIX, now + 1n, budget, (id) => this.expireOffer(ctx, id));
    await this.runQueue(ctx, REQUEST_EXPIRY_QUEUE_PREFIX, now + 1n, budget, (id) => this.expireRequest(ctx, id));
  }
}
