// lending queries through ABCI Query: offers, requests and loans by id, the open listings with
// every filter and both kinds of pagination, loans by lender and borrower, credit histories and
// params, and clear codes for unknown ids and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoanStatus } from '../../generated/cybermiles/lending/v1/lending.js';
import { MsgCreateOfferResponse, MsgCreateRequestResponse, MsgTakeOfferResponse } from '../../generated/cybermiles/lending/v1/tx.js';
import { decodeQuery, msgResponse, type TestChain } from '../../testing/chain-fixture.js';
import { lendingMsg, lendingQueries, lendingQuery, loanOf, offerOf, startLendingChain } from '../../testing/lending-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { uint64BE } from '../../util/bytes.js';
import { uint32BE } from './keys.js';
import { DEFAULT_LENDING_PARAMS } from './params.js';

const L1 = 0;
const L2 = 1;
const B1 = 2;
const B2 = 3;

let w: TestWallet;
let c: TestChain;
const addr = (i: number): string => w.at(i).address;

/** Offers 1..6: [lender, amount, rate, term, ratio]. Offer 2 is taken (loan 1), offer 5 cancelled. */
const OFFERS = [
  [L1, 1_000n, 500, 100n, 0],
  [L1, 2_000n, 300, 200n, 5000],
  [L2, 3_000n, 300, 300n, 10_000],
  [L2, 4_000n, 100, 400n, 20_000],
  [L1, 5_000n, 900, 500n, 0],
  [L2, 6_000n, 700, 600n, 15_000],
] as const;
/** Requests 1..4: [borrower, amount, max rate, term]. Request 3 is funded by L2 (loan 2). */
const REQUESTS = [
  [B1, 1_500n, 200, 100n],
  [B2, 2_500n, 800, 200n],
  [B1, 3_500n, 800, 300n],
  [B2, 4_500n, 50, 400n],
] as const;

beforeAll(async () => {
  w = await createTestWallet(4);
  c = await startLendingChain(w, { lendingParams: { minTermSeconds: 10n } });
  for (const [lender, amount, rateBps, termSeconds, collateralRatioBps] of OFFERS) {
    const r = await c.ok(lender, lendingMsg.createOffer({ lender: addr(lender), amount: amount.toString(), rateBps, termSeconds, collateralRatioBps, expiresAt: c.now + 10_000n }));
    msgResponse(r, MsgCreateOfferResponse);
  }
  for (const [borrower, amount, maxRateBps, termSeconds] of REQUESTS) {
    const r = await c.ok(borrower, lendingMsg.createRequest({ borrower: addr(borrower), amount: amount.toString(), maxRateBps, termSeconds, collateral: '10', expiresAt: c.now + 10_000n }));
    msgResponse(r, MsgCreateRequestResponse);
  }
  msgResponse(await c.ok(B1, lendingMsg.takeOffer(addr(B1), 2n, 1_000n)), MsgTakeOfferResponse);
  await c.ok(L1, lendingMsg.cancelOffer(addr(L1), 5n));
  await c.ok(L2, lendingMsg.fundRequest(addr(L2), 3n, 800));
  // Loan 3: B2 borrows from L1 (offer 1).
  await c.ok(B2, lendingMsg.takeOffer(addr(B2), 1n, ''));
});

afterAll(async () => {
  await c?.close();
});

const offerIds = async (f: Partial<lendingQuery.QueryOpenOffersRequest> = {}, p?: Parameters<typeof lendingQueries.openOffers>[2]): Promise<bigint[]> =>
  decodeQuery(await lendingQueries.openOffers(c, f, p), lendingQuery.QueryOpenOffersResponse).offers.map((o) => o.id);
const requestIds = async (f: Partial<lendingQuery.QueryOpenRequestsRequest> = {}, p?: Parameters<typeof lendingQueries.openRequests>[2]): Promise<bigint[]> =>
  decodeQuery(await lendingQueries.openRequests(c, f, p), lendingQuery.QueryOpenRequestsResponse).requests.map((r) => r.id);

describe('Offer, Request, Loan', () => {
  it('return the records', async () => {
    expect(decodeQuery(await lendingQueries.offer(c, 2n), lendingQuery.QueryOfferResponse).offer).toEqual(offerOf(c, 2n));
    expect(decodeQuery(await lendingQueries.request(c, 3n), lendingQuery.QueryRequestResponse).request).toMatchObject({ id: 3n, loanId: 2n, borrower: addr(B1) });
    const loan = decodeQuery(await lendingQueries.loan(c, 1n), lendingQuery.QueryLoanResponse);
    expect(loan).toEqual({ loan: loanOf(c, 1n), owedAt: '' });
  });

  it('say what a full repayment would cost at a given time, interest capped at the grace end', async () => {
    const l = loanOf(c, 1n);
    // 2000 at 3 % for 31,536,000 s would be 60; for 100 s it is ceil(0.00019) = 1.
    expect(decodeQuery(await lendingQueries.loan(c, 1n, l.startedAt + 100n), lendingQuery.QueryLoanResponse).owedAt).toBe('2001');
    expect(decodeQuery(await lendingQueries.loan(c, 1n, l.startedAt), lendingQuery.QueryLoanResponse).owedAt).toBe('2000');
    const atGrace = decodeQuery(await lendingQueries.loan(c, 1n, l.graceEndsAt), lendingQuery.QueryLoanResponse).owedAt;
    expect(decodeQuery(await lendingQueries.loan(c, 1n, l.graceEndsAt + 10n ** 9n), lendingQuery.QueryLoanResponse).owedAt).toBe(atGrace);
  });

  it('answer lending codes 2, 3 and 4 (NotFound) for unknown ids', async () => {
    for (const [res, code] of [
      [await lendingQueries.offer(c, 99n), 2],
      [await lendingQueries.request(c, 99n), 3],
      [await lendingQueries.loan(c, 0n), 4],
    ] as const) {
      expect({ codespace: res.codespace, code: res.code }).toEqual({ codespace: 'lending', code });
      expect(res.log).toMatch(/^rpc error: code = NotFound desc = /);
    }
  });
});

describe('OpenOffers', () => {
  it('lists open offers by rate, then id; taken and cancelled ones are gone', async () => {
    // Open: 3 (300), 4 (100), 6 (700).
    expect(await offerIds()).toEqual([4n, 3n, 6n]);
    expect(await offerIds({}, { reverse: true })).toEqual([6n, 3n, 4n]);
  });

  it('filters by maximum rate, amount range, term range and collateral ratio', async () => {
    expect(await offerIds({ maxRateBps: 300 })).toEqual([4n, 3n]);
    expect(await offerIds({ maxRateBps: 299 })).toEqual([4n]);
    expect(await offerIds({ maxRateBps: 0 })).toEqual([]);
    expect(await offerIds({ maxRateBps: 0xffff_ffff })).toEqual([4n, 3n, 6n]);
    expect(await offerIds({ minAmount: '3000', maxAmount: '4000' })).toEqual([4n, 3n]);
    expect(await offerIds({ minAmount: '3001' })).toEqual([4n, 6n]);
    expect(await offerIds({ minTermSeconds: 350n, maxTermSeconds: 600n })).toEqual([4n, 6n]);
    expect(await offerIds({ maxTermSeconds: 300n })).toEqual([3n]);
    expect(await offerIds({ maxCollateralRatioBps: 15_000 })).toEqual([3n, 6n]);
    expect(await offerIds({ maxCollateralRatioBps: 0 })).toEqual([]);
  });

  it('pages by key and by offset over the matching offers, with their total', async () => {
    const first = decodeQuery(await lendingQueries.openOffers(c, {}, { limit: 2n, countTotal: true }), lendingQuery.QueryOpenOffersResponse);
    expect(first.offers.map((o) => o.id)).toEqual([4n, 3n]);
    expect(first.pagination?.total).toBe(3n);
    expect(Uint8Array.from(first.pagination?.nextKey ?? [])).toEqual(Uint8Array.from([...uint32BE(700), ...uint64BE(6n)]));
    const second = decodeQuery(await lendingQueries.openOffers(c, {}, { limit: 2n, key: first.pagination?.nextKey ?? new Uint8Array() }), lendingQuery.QueryOpenOffersResponse);
    expect(second.offers.map((o) => o.id)).toEqual([6n]);
    expect(second.pagination?.nextKey).toEqual(new Uint8Array());
    // Offset and total count matching offers only.
    const filtered = decodeQuery(await lendingQueries.openOffers(c, { minAmount: '3001' }, { offset: 1n, countTotal: true }), lendingQuery.QueryOpenOffersResponse);
    expect(filtered.offers.map((o) => o.id)).toEqual([6n]);
    expect(filtered.pagination?.total).toBe(2n);
    // A key past a rate bound does not widen the range.
    expect(await offerIds({ maxRateBps: 300 }, { reverse: true, key: Uint8Array.from([...uint32BE(900), ...uint64BE(0n)]) })).toEqual([3n, 4n]);
  });

  it('refuses bad filters and pages', async () => {
    const bad = await lendingQueries.openOffers(c, { minAmount: 'lots' });
    expect({ codespace: bad.codespace, code: bad.code }).toEqual({ codespace: 'sdk', code: 10 });
    const big = await lendingQueries.openOffers(c, {}, { limit: 1001n });
    expect({ codespace: big.codespace, code: big.code }).toEqual({ codespace: 'sdk', code: 18 });
    const both = await lendingQueries.openOffers(c, {}, { offset: 1n, key: Uint8Array.of(1) });
    expect(both.code).toBe(18);
  });
});

describe('OpenRequests', () => {
  it('lists open requests by maximum rate, then id, with filters', async () => {
    // Open: 1 (200), 2 (800), 4 (50).
    expect(await requestIds()).toEqual([4n, 1n, 2n]);
    expect(await requestIds({}, { reverse: true, limit: 1n })).toEqual([2n]);
    expect(await requestIds({ minRateBps: 200 })).toEqual([1n, 2n]);
    expect(await requestIds({ minRateBps: 801 })).toEqual([]);
    expect(await requestIds({ minRateBps: 200 }, { key: Uint8Array.from([...uint32BE(0), ...uint64BE(0n)]) })).toEqual([1n, 2n]);
    expect(await requestIds({ maxAmount: '2000' })).toEqual([1n]);
    expect(await requestIds({ minTermSeconds: 200n })).toEqual([4n, 2n]);
  });
});

describe('LoansByLender, LoansByBorrower', () => {
  it('list each party\'s loans in id order, paginated', async () => {
    const ids = async (res: Promise<Parameters<typeof decodeQuery>[0]>): Promise<bigint[]> =>
      decodeQuery(await res, lendingQuery.QueryLoansResponse).loans.map((l) => l.id);
    expect(await ids(lendingQueries.loansByLender(c, addr(L1)))).toEqual([1n, 3n]);
    expect(await ids(lendingQueries.loansByLender(c, addr(L2)))).toEqual([2n]);
    expect(await ids(lendingQueries.loansByBorrower(c, addr(B1)))).toEqual([1n, 2n]);
    expect(await ids(lendingQueries.loansByBorrower(c, addr(B2)))).toEqual([3n]);
    expect(await ids(lendingQueries.loansByBorrower(c, addr(L1)))).toEqual([]);
    const page = decodeQuery(await lendingQueries.loansByBorrower(c, addr(B1), { limit: 1n, countTotal: true }), lendingQuery.QueryLoansResponse);
    expect(page.loans.map((l) => [l.id, l.status])).toEqual([[1n, LoanStatus.LOAN_STATUS_ACTIVE]]);
    expect(page.pagination?.total).toBe(2n);
    const bad = await lendingQueries.loansByLender(c, 'cmt1nope');
    expect({ codespace: bad.codespace, code: bad.code }).toEqual({ codespace: 'sdk', code: 7 });
  });
});

describe('CreditHistory, Params', () => {
  it('returns a borrower\'s history and score; an empty history and 500 for a new address', async () => {
    const r = decodeQuery(await lendingQueries.creditHistory(c, addr(B1)), lendingQuery.QueryCreditHistoryResponse);
    expect(r).toEqual({
      history: { borrower: addr(B1), loansTaken: 2n, repaidOnTime: 0n, repaidLate: 0n, defaulted: 0n, amountBorrowed: '5500', amountRepaid: '0', amountDefaulted: '0' },
      score: 500,
    });
    const fresh = decodeQuery(await lendingQueries.creditHistory(c, addr(L1)), lendingQuery.QueryCreditHistoryResponse);
    expect(fresh).toEqual({
      history: { borrower: addr(L1), loansTaken: 0n, repaidOnTime: 0n, repaidLate: 0n, defaulted: 0n, amountBorrowed: '0', amountRepaid: '0', amountDefaulted: '0' },
      score: 500,
    });
    const bad = await lendingQueries.creditHistory(c, '');
    expect({ codespace: bad.codespace, code: bad.code }).toEqual({ codespace: 'sdk', code: 7 });
  });

  it('returns the params', async () => {
    expect(decodeQuery(await lendingQueries.params(c), lendingQuery.QueryParamsResponse).params).toEqual({ ...DEFAULT_LENDING_PARAMS, minTermSeconds: 10n });
  });
});
