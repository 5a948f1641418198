// Query extensions for CosmJS's QueryClient, as CosmJS composes its own:
//   QueryClient.withExtensions(comet, setupEscrowExtension, setupArbitrationExtension)
import { createProtobufRpcClient, type QueryClient } from '@cosmjs/stargate';
import * as aq from '../generated/cybermiles/arbitration/v1/query.js';
import * as eq from '../generated/cybermiles/escrow/v1/query.js';
import * as lq from '../generated/cybermiles/lending/v1/query.js';
import * as rq from '../generated/cybermiles/reputation/v1/query.js';
import type { Role, Side } from '../generated/cybermiles/reputation/v1/reputation.js';

export interface Page {
  readonly key?: Uint8Array;
  readonly limit?: bigint;
  readonly offset?: bigint;
  readonly reverse?: boolean;
  readonly countTotal?: boolean;
}

export interface EscrowExtension {
  readonly escrow: {
    order(orderId: bigint): Promise<eq.QueryOrderResponse>;
    ordersByBuyer(buyer: string, page?: Page): Promise<eq.QueryOrdersResponse>;
    ordersBySeller(seller: string, page?: Page): Promise<eq.QueryOrdersResponse>;
    params(): Promise<eq.QueryParamsResponse>;
  };
}

export interface ArbitrationExtension {
  readonly arbitration: {
    arbiter(address: string): Promise<aq.QueryArbiterResponse>;
    arbiters(page?: Page): Promise<aq.QueryArbitersResponse>;
    case(caseId: bigint): Promise<aq.QueryCaseResponse>;
    casesByArbiter(arbiter: string, page?: Page): Promise<aq.QueryCasesResponse>;
    params(): Promise<aq.QueryParamsResponse>;
  };
}

export function setupEscrowExtension(base: QueryClient): EscrowExtension {
  const rpc = createProtobufRpcClient(base);
  const call = async <R>(method: string, data: Uint8Array, decode: (b: Uint8Array) => R): Promise<R> =>
    decode(await rpc.request('cybermiles.escrow.v1.Query', method, data));
  return {
    escrow: {
      order: (orderId) => call('Order', eq.QueryOrderRequest.encode({ orderId }).finish(), eq.QueryOrderResponse.decode),
      ordersByBuyer: (buyer, page) =>
        call('OrdersByBuyer', eq.QueryOrdersByBuyerRequest.encode(eq.QueryOrdersByBuyerRequest.fromPartial({ buyer, pagination: page })).finish(), eq.QueryOrdersResponse.decode),
      ordersBySeller: (seller, page) =>
        call('OrdersBySeller', eq.QueryOrdersBySellerRequest.encode(eq.QueryOrdersBySellerRequest.fromPartial({ seller, pagination: page })).finish(), eq.QueryOrdersResponse.decode),
      params: () => call('Params', new Uint8Array(), eq.QueryParamsResponse.decode),
    },
  };
}

export function setupArbitrationExtension(base: QueryClient): ArbitrationExtension {
  const rpc = createProtobufRpcClient(base);
  const call = async <R>(method: string, data: Uint8Array, decode: (b: Uint8Array) => R): Promise<R> =>
    decode(await rpc.request('cybermiles.arbitration.v1.Query', method, data));
  return {
    arbitration: {
      arbiter: (address) => call('Arbiter', aq.QueryArbiterRequest.encode({ address }).finish(), aq.QueryArbiterResponse.decode),
      arbiters: (page) => call('Arbiters', aq.QueryArbitersRequest.encode(aq.QueryArbitersRequest.fromPartial({ pagination: page })).finish(), aq.QueryArbitersResponse.decode),
      case: (caseId) => call('Case', aq.QueryCaseRequest.encode({ caseId }).finish(), aq.QueryCaseResponse.decode),
      casesByArbiter: (arbiter, page) =>
        call('CasesByArbiter', aq.QueryCasesByArbiterRequest.encode(aq.QueryCasesByArbiterRequest.fromPartial({ arbiter, pagination: page })).finish(), aq.QueryCasesResponse.decode),
      params: () => call('Params', new Uint8Array(), aq.QueryParamsResponse.decode),
    },
  };
}

/** Filters of the open-offer listing (unset = any). */
export interface OfferFilter {
  readonly minAmount?: bigint;
  readonly maxAmount?: bigint;
  readonly maxRateBps?: number;
  readonly minTermSeconds?: bigint;
  readonly maxTermSeconds?: bigint;
  readonly maxCollateralRatioBps?: number;
}

/** Filters of the open-request listing (unset = any); minRateBps bounds the requests' maximum rate. */
export interface RequestFilter {
  readonly minAmount?: bigint;
  readonly maxAmount?: bigint;
  readonly minRateBps?: number;
  readonly minTermSeconds?: bigint;
  readonly maxTermSeconds?: bigint;
}

export interface LendingExtension {
  readonly lending: {
    offer(offerId: bigint): Promise<lq.QueryOfferResponse>;
    request(requestId: bigint): Promise<lq.QueryRequestResponse>;
    /** With atTime (Unix seconds), also what repaying in full would cost then (`owedAt`). */
    loan(loanId: bigint, atTime?: bigint): Promise<lq.QueryLoanResponse>;
    openOffers(filter?: OfferFilter, page?: Page): Promise<lq.QueryOpenOffersResponse>;
    openRequests(filter?: RequestFilter, page?: Page): Promise<lq.QueryOpenRequestsResponse>;
    loansByLender(lender: string, page?: Page): Promise<lq.QueryLoansResponse>;
    loansByBorrower(borrower: string, page?: Page): Promise<lq.QueryLoansResponse>;
    creditHistory(borrower: string): Promise<lq.QueryCreditHistoryResponse>;
    params(): Promise<lq.QueryParamsResponse>;
  };
}

const amountFilter = (a: bigint | undefined): string => (a === undefined ? '' : a.toString());

export function setupLendingExtension(base: QueryClient): LendingExtension {
  const rpc = createProtobufRpcClient(base);
  const call = async <R>(method: string, data: Uint8Array, decode: (b: Uint8Array) => R): Promise<R> =>
    decode(await rpc.request('cybermiles.lending.v1.Query', method, data));
  return {
    lending: {
      offer: (offerId) => call('Offer', lq.QueryOfferRequest.encode({ offerId }).finish(), lq.QueryOfferResponse.decode),
      request: (requestId) => call('Request', lq.QueryRequestRequest.encode({ requestId }).finish(), lq.QueryRequestResponse.decode),
      loan: (loanId, atTime) => call('Loan', lq.QueryLoanRequest.encode({ loanId, atTime: atTime ?? 0n }).finish(), lq.QueryLoanResponse.decode),
      openOffers: (f = {}, page) =>
        call(
          'OpenOffers',
          lq.QueryOpenOffersRequest.encode(
            lq.QueryOpenOffersRequest.fromPartial({
              minAmount: amountFilter(f.minAmount),
              maxAmount: amountFilter(f.maxAmount),
              maxRateBps: f.maxRateBps,
              minTermSeconds: f.minTermSeconds,
              maxTermSeconds: f.maxTermSeconds,
              maxCollateralRatioBps: f.maxCollateralRatioBps,
              pagination: page,
            }),
          ).finish(),
          lq.QueryOpenOffersResponse.decode,
        ),
      openRequests: (f = {}, page) =>
        call(
          'OpenRequests',
          lq.QueryOpenRequestsRequest.encode(
            lq.QueryOpenRequestsRequest.fromPartial({
              minAmount: amountFilter(f.minAmount),
              maxAmount: amountFilter(f.maxAmount),
              minRateBps: f.minRateBps,
              minTermSeconds: f.minTermSeconds,
              maxTermSeconds: f.maxTermSeconds,
              pagination: page,
            }),
          ).finish(),
          lq.QueryOpenRequestsResponse.decode,
        ),
      loansByLender: (lender, page) =>
        call('LoansByLender', lq.QueryLoansByLenderRequest.encode(lq.QueryLoansByLenderRequest.fromPartial({ lender, pagination: page })).finish(), lq.QueryLoansResponse.decode),
      loansByBorrower: (borrower, page) =>
        call('LoansByBorrower', lq.QueryLoansByBorrowerRequest.encode(lq.QueryLoansByBorrowerRequest.fromPartial({ borrower, pagination: page })).finish(), lq.QueryLoansResponse.decode),
      creditHistory: (borrower) => call('CreditHistory', lq.QueryCreditHistoryRequest.encode({ borrower }).finish(), lq.QueryCreditHistoryResponse.decode),
      params: () => call('Params', new Uint8Array(), lq.QueryParamsResponse.decode),
    },
  };
}

export interface ReputationExtension {
  readonly reputation: {
    /** Scores in every role (seller, buyer, arbiter, borrower) and the trading record. */
    scores(address: string): Promise<rq.QueryScoresResponse>;
    score(address: string, role: Role): Promise<rq.QueryScoreResponse>;
    /** Reviews of an account; role 0 (unspecified) for every role. */
    reviewsOf(address: string, role: Role, page?: Page): Promise<rq.QueryReviewsOfResponse>;
    /** The review one side of an order wrote (SIDE_BUYER: of the seller). */
    review(orderId: bigint, side: Side): Promise<rq.QueryReviewResponse>;
    params(): Promise<rq.QueryParamsResponse>;
  };
}

export function setupReputationExtension(base: QueryClient): ReputationExtension {
  const rpc = createProtobufRpcClient(base);
  const call = async <R>(method: string, data: Uint8Array, decode: (b: Uint8Array) => R): Promise<R> =>
    decode(await rpc.request('cybermiles.reputation.v1.Query', method, data));
  return {
    reputation: {
      scores: (address) => call('Scores', rq.QueryScoresRequest.encode({ address }).finish(), rq.QueryScoresResponse.decode),
      score: (address, role) => call('Score', rq.QueryScoreRequest.encode({ address, role }).finish(), rq.QueryScoreResponse.decode),
      reviewsOf: (address, role, page) =>
        call('ReviewsOf', rq.QueryReviewsOfRequest.encode(rq.QueryReviewsOfRequest.fromPartial({ address, role, pagination: page })).finish(), rq.QueryReviewsOfResponse.decode),
      review: (orderId, side) => call('Review', rq.QueryReviewRequest.encode({ orderId, side }).finish(), rq.QueryReviewResponse.decode),
      params: () => call('Params', new Uint8Array(), rq.QueryParamsResponse.decode),
    },
  };
}
