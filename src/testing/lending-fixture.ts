// Test-only: lending messages and queries for the in-process TestChain, and a chain whose genesis
// carries lending params (the other modules' genesis as chain-fixture's defaultAppState makes it).
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { ResponseQuery } from 'cosmjs-types/tendermint/abci/types';
import type { PageRequest } from '../generated/cybermiles/base/v1/pagination.js';
import { Params as LendingParams, type Loan, type LoanRequest, type Offer } from '../generated/cybermiles/lending/v1/lending.js';
import * as lq from '../generated/cybermiles/lending/v1/query.js';
import * as ltx from '../generated/cybermiles/lending/v1/tx.js';
import { moduleAddress } from '../modules/auth/address.js';
import { DEFAULT_LENDING_PARAMS } from '../modules/lending/params.js';
import { defaultAppState, TestChain, type ChainOptions } from './chain-fixture.js';
import type { TestWallet } from './tx-fixture.js';

export const LENDING_ADDRESS = moduleAddress('lending');

const L = '/cybermiles.lending.v1.';
const LQ = '/cybermiles.lending.v1.Query/';

const any = (typeUrl: string, value: Uint8Array): Any => ({ typeUrl, value });

/** Lending messages as Anys; fields not given take their proto3 zero value. */
export const lendingMsg = {
  createOffer: (m: Partial<ltx.MsgCreateOffer> & Pick<ltx.MsgCreateOffer, 'lender'>): Any =>
    any(L + 'MsgCreateOffer', ltx.MsgCreateOffer.encode(ltx.MsgCreateOffer.fromPartial(m)).finish()),
  cancelOffer: (lender: string, offerId: bigint): Any => any(L + 'MsgCancelOffer', ltx.MsgCancelOffer.encode({ lender, offerId }).finish()),
  createRequest: (m: Partial<ltx.MsgCreateRequest> & Pick<ltx.MsgCreateRequest, 'borrower'>): Any =>
    any(L + 'MsgCreateRequest', ltx.MsgCreateRequest.encode(ltx.MsgCreateRequest.fromPartial(m)).finish()),
  cancelRequest: (borrower: string, requestId: bigint): Any => any(L + 'MsgCancelRequest', ltx.MsgCancelRequest.encode({ borrower, requestId }).finish()),
  takeOffer: (borrower: string, offerId: bigint, collateral: bigint | string): Any =>
    any(L + 'MsgTakeOffer', ltx.MsgTakeOffer.encode({ borrower, offerId, collateral: collateral.toString() }).finish()),
  fundRequest: (lender: string, requestId: bigint, rateBps: number): Any =>
    any(L + 'MsgFundRequest', ltx.MsgFundRequest.encode({ lender, requestId, rateBps }).finish()),
  repay: (borrower: string, loanId: bigint, amount: bigint | string): Any =>
    any(L + 'MsgRepay', ltx.MsgRepay.encode({ borrower, loanId, amount: amount.toString(), all: false }).finish()),
  repayAll: (borrower: string, loanId: bigint): Any => any(L + 'MsgRepay', ltx.MsgRepay.encode({ borrower, loanId, amount: '', all: true }).finish()),
};

export interface LendingChainOptions extends ChainOptions {
  readonly lendingParams?: Partial<LendingParams>;
}

/** The default test app state plus lending params. */
export function lendingAppState(wallet: TestWallet, opts: LendingChainOptions = {}): Record<string, unknown> {
  return {
    ...defaultAppState(wallet, opts),
    lending: { params: LendingParams.toJSON({ ...DEFAULT_LENDING_PARAMS, ...opts.lendingParams }) },
  };
}

export function startLendingChain(wallet: TestWallet, opts: LendingChainOptions = {}): Promise<TestChain> {
  return TestChain.start(wallet, { ...opts, appState: opts.appState ?? lendingAppState(wallet, opts) });
}

export function offerOf(c: TestChain, id: bigint): Offer {
  const o = c.keepers.lending.getOffer(c.store, id);
  if (o === undefined) throw new Error(`offer ${id} not found`);
  return o;
}

export function requestOf(c: TestChain, id: bigint): LoanRequest {
  const r = c.keepers.lending.getRequest(c.store, id);
  if (r === undefined) throw new Error(`request ${id} not found`);
  return r;
}

export function loanOf(c: TestChain, id: bigint): Loan {
  const l = c.keepers.lending.getLoan(c.store, id);
  if (l === undefined) throw new Error(`loan ${id} not found`);
  return l;
}

function page(p: Partial<PageRequest> | undefined): PageRequest | undefined {
  if (p === undefined) return undefined;
  return { key: new Uint8Array(), offset: 0n, limit: 0n, countTotal: false, reverse: false, ...p };
}

export const lendingQueries = {
  offer: (c: TestChain, offerId: bigint): Promise<ResponseQuery> => c.query(LQ + 'Offer', lq.QueryOfferRequest.encode({ offerId }).finish()),
  request: (c: TestChain, requestId: bigint): Promise<ResponseQuery> => c.query(LQ + 'Request', lq.QueryRequestRequest.encode({ requestId }).finish()),
  loan: (c: TestChain, loanId: bigint, atTime = 0n): Promise<ResponseQuery> => c.query(LQ + 'Loan', lq.QueryLoanRequest.encode({ loanId, atTime }).finish()),
  openOffers: (c: TestChain, f: Partial<lq.QueryOpenOffersRequest> = {}, p?: Partial<PageRequest>): Promise<ResponseQuery> =>
    c.query(LQ + 'OpenOffers', lq.QueryOpenOffersRequest.encode({ ...lq.QueryOpenOffersRequest.fromPartial(f), pagination: page(p) }).finish()),
  openRequests: (c: TestChain, f: Partial<lq.QueryOpenRequestsRequest> = {}, p?: Partial<PageRequest>): Promise<ResponseQuery> =>
    c.query(LQ + 'OpenRequests', lq.QueryOpenRequestsRequest.encode({ ...lq.QueryOpenRequestsRequest.fromPartial(f), pagination: page(p) }).finish()),
  loansByLender: (c: TestChain, lender: string, p?: Partial<PageRequest>): Promise<ResponseQuery> =>
    c.query(LQ + 'LoansByLender', lq.QueryLoansByLenderRequest.encode({ lender, pagination: page(p) }).finish()),
  loansByBorrower: (c: TestChain, borrower: string, p?: Partial<PageRequest>): Promise<ResponseQuery> =>
    c.query(LQ + 'LoansByBorrower', lq.QueryLoansByBorrowerRequest.encode({ borrower, pagination: page(p) }).finish()),
  creditHistory: (c: TestChain, borrower: string): Promise<ResponseQuery> =>
    c.query(LQ + 'CreditHistory', lq.QueryCreditHistoryRequest.encode({ borrower }).finish()),
  params: (c: TestChain): Promise<ResponseQuery> => c.query(LQ + 'Params', lq.QueryParamsRequest.encode({}).finish()),
};

export { lq as lendingQuery };
