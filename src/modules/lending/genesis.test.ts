// Genesis export and import of lending: a chain with offers, requests and loans in every status
// (active loans with and without part repayments, repaid on time and late, defaulted) and credit
// histories is exported through every module's exportGenesis and imported into a fresh app. The
// queries answer the same, ids continue, and the queues (offer and request expiry, defaults) still
// fire in step with the original chain. Bad genesis is refused with the path of the bad field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoanStatus, OfferStatus, RequestStatus } from '../../generated/cybermiles/lending/v1/lending.js';
import { MsgCreateOfferResponse, MsgCreateRequestResponse, MsgFundRequestResponse, MsgTakeOfferResponse } from '../../generated/cybermiles/lending/v1/tx.js';
import { decodeQuery, msgResponse, TestChain } from '../../testing/chain-fixture.js';
import { LENDING_ADDRESS, lendingMsg, lendingQueries, lendingQuery, loanOf, offerOf, requestOf, startLendingChain } from '../../testing/lending-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';

const LENDER = 0;
const LENDER2 = 1;
const B1 = 2;
const B2 = 3;
const B3 = 4;
const PARTIES = [LENDER, LENDER2, B1, B2, B3];

let w: TestWallet;
let a: TestChain;
let b: TestChain;
let exported: Record<string, unknown>;
let exportTime: bigint;
const addr = (i: number): string => w.at(i).address;

const offers: Partial<Record<OfferStatus | 'openLate', bigint>> = {};
const requests: Partial<Record<RequestStatus | 'openLate', bigint>> = {};
const loans: Partial<Record<LoanStatus | 'activePartial', bigint>> = {};

async function offer(c: TestChain, lender: number, o: { amount?: bigint; termSeconds?: bigint; ratio?: number; expiresIn?: bigint; rate?: number } = {}): Promise<bigint> {
  const r = await c.ok(
    lender,
    lendingMsg.createOffer({
      lender: addr(lender),
      amount: (o.amount ?? 1_000_000n).toString(),
      rateBps: o.rate ?? 20_000,
      termSeconds: o.termSeconds ?? 1_000n,
      collateralRatioBps: o.ratio ?? 5000,
      expiresAt: c.now + 1n + (o.expiresIn ?? 5_000n),
    }),
  );
  return msgResponse(r, MsgCreateOfferResponse).offerId;
}

async function request(c: TestChain, borrower: number, o: { expiresIn?: bigint; termSeconds?: bigint } = {}): Promise<bigint> {
  const r = await c.ok(
    borrower,
    lendingMsg.createRequest({
      borrower: addr(borrower),
      amount: '2000000',
      maxRateBps: 4000,
      termSeconds: o.termSeconds ?? 1_000n,
      collateral: '700000',
      expiresAt: c.now + 1n + (o.expiresIn ?? 5_000n),
    }),
  );
  return msgResponse(r, MsgCreateRequestResponse).requestId;
}

async function take(c: TestChain, borrower: number, offerId: bigint, collateral = 500_000n): Promise<bigint> {
  return msgResponse(await c.ok(borrower, lendingMsg.takeOffer(addr(borrower), offerId, collateral)), MsgTakeOfferResponse).loanId;
}

/** Builds every status on chain `a`. */
async function build(): Promise<void> {
  // Loans that end before the export: repaid on time, repaid late, defaulted.
  const onTime = await offer(a, LENDER);
  offers[OfferStatus.OFFER_STATUS_TAKEN] = onTime;
  loans[LoanStatus.LOAN_STATUS_REPAID] = await take(a, B1, onTime);
  await a.ok(B1, lendingMsg.repayAll(addr(B1), loans[LoanStatus.LOAN_STATUS_REPAID]));

  const late = await request(a, B2, { termSeconds: 20n });
  requests[RequestStatus.REQUEST_STATUS_FUNDED] = late;
  loans[LoanStatus.LOAN_STATUS_REPAID_LATE] = msgResponse(await a.ok(LENDER2, lendingMsg.fundRequest(addr(LENDER2), late, 4000)), MsgFundRequestResponse).loanId;
  const lateLoan = loanOf(a, loans[LoanStatus.LOAN_STATUS_REPAID_LATE]);
  await a.ok(B2, lendingMsg.repay(addr(B2), lateLoan.id, 300_000n), { time: lateLoan.dueAt - 5n });
  await a.ok(B2, lendingMsg.repayAll(addr(B2), lateLoan.id), { time: lateLoan.dueAt + 3n });

  const defaulting = await offer(a, LENDER2, { termSeconds: 10n, ratio: 15_000 });
  loans[LoanStatus.LOAN_STATUS_DEFAULTED] = await take(a, B3, defaulting, 1_500_000n);
  await a.block([], { time: loanOf(a, loans[LoanStatus.LOAN_STATUS_DEFAULTED]).graceEndsAt + 1n });

  // Active loans: one part repaid (with interest still owed), one untouched that defaults after the export.
  loans[LoanStatus.LOAN_STATUS_ACTIVE] = await take(a, B1, await offer(a, LENDER, { termSeconds: 2_000n, ratio: 0, amount: 3_000_000n }), 0n);
  loans.activePartial = await take(a, B2, await offer(a, LENDER2, { termSeconds: 5_000n, rate: 90_000 }));
  await a.ok(B2, lendingMsg.repay(addr(B2), loans.activePartial, 1n), { time: a.now + 500n });
  expect(BigInt(loanOf(a, loans.activePartial).interestOwed)).toBeGreaterThan(0n);

  // Offers and requests in the other statuses.
  offers[OfferStatus.OFFER_STATUS_CANCELLED] = await offer(a, LENDER);
  await a.ok(LENDER, lendingMsg.cancelOffer(addr(LENDER), offers[OfferStatus.OFFER_STATUS_CANCELLED]));
  offers[OfferStatus.OFFER_STATUS_EXPIRED] = await offer(a, LENDER2, { expiresIn: 2n });
  requests[RequestStatus.REQUEST_STATUS_CANCELLED] = await request(a, B3);
  await a.ok(B3, lendingMsg.cancelRequest(addr(B3), requests[RequestStatus.REQUEST_STATUS_CANCELLED]));
  requests[RequestStatus.REQUEST_STATUS_EXPIRED] = await request(a, B1, { expiresIn: 2n });
  await a.block([], { time: a.now + 5n });
  offers[OfferStatus.OFFER_STATUS_OPEN] = await offer(a, LENDER, { expiresIn: 9_000n });
  offers.openLate = await offer(a, LENDER2, { expiresIn: 300n });
  requests[RequestStatus.REQUEST_STATUS_OPEN] = await request(a, B3, { expiresIn: 9_000n });
  requests.openLate = await request(a, B1, { expiresIn: 200n });
}

beforeAll(async () => {
  w = await createTestWallet(5);
  a = await startLendingChain(w, { lendingParams: { minTermSeconds: 10n, gracePeriodSeconds: 50n } });
  await build();
  exported = await a.exportAppState();
  exportTime = a.now;
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('the exported chain', () => {
  it('has every status', () => {
    expect(Object.entries(offers).map(([k, id]) => [k, offerOf(a, id).status])).toEqual(
      Object.entries(offers).map(([k]) => [k, k === 'openLate' ? OfferStatus.OFFER_STATUS_OPEN : Number(k)]),
    );
    expect(Object.entries(requests).map(([k, id]) => [k, requestOf(a, id).status])).toEqual(
      Object.entries(requests).map(([k]) => [k, k === 'openLate' ? RequestStatus.REQUEST_STATUS_OPEN : Number(k)]),
    );
    expect(Object.entries(loans).map(([k, id]) => [k, loanOf(a, id).status])).toEqual(
      Object.entries(loans).map(([k]) => [k, k === 'activePartial' ? LoanStatus.LOAN_STATUS_ACTIVE : Number(k)]),
    );
  });
});

describe('import', () => {
  beforeAll(async () => {
    b = await TestChain.start(w, { appState: exported, genesisSeconds: exportTime });
    // b ran one empty block at exportTime + 1; a does the same.
    await a.block([], { time: exportTime + 1n });
  });

  async function sameAnswers(): Promise<void> {
    for (const id of Object.values(offers)) {
      expect(decodeQuery(await lendingQueries.offer(b, id), lendingQuery.QueryOfferResponse)).toEqual(decodeQuery(await lendingQueries.offer(a, id), lendingQuery.QueryOfferResponse));
    }
    for (const id of Object.values(requests)) {
      expect(decodeQuery(await lendingQueries.request(b, id), lendingQuery.QueryRequestResponse)).toEqual(decodeQuery(await lendingQueries.request(a, id), lendingQuery.QueryRequestResponse));
    }
    for (const id of Object.values(loans)) {
      const at = a.now + 123n;
      expect(decodeQuery(await lendingQueries.loan(b, id, at), lendingQuery.QueryLoanResponse)).toEqual(decodeQuery(await lendingQueries.loan(a, id, at), lendingQuery.QueryLoanResponse));
    }
    expect(decodeQuery(await lendingQueries.openOffers(b), lendingQuery.QueryOpenOffersResponse)).toEqual(decodeQuery(await lendingQueries.openOffers(a), lendingQuery.QueryOpenOffersResponse));
    expect(decodeQuery(await lendingQueries.openRequests(b), lendingQuery.QueryOpenRequestsResponse)).toEqual(
      decodeQuery(await lendingQueries.openRequests(a), lendingQuery.QueryOpenRequestsResponse),
    );
    for (const i of PARTIES) {
      for (const q of [lendingQueries.loansByLender, lendingQueries.loansByBorrower]) {
        expect(decodeQuery(await q(b, addr(i)), lendingQuery.QueryLoansResponse)).toEqual(decodeQuery(await q(a, addr(i)), lendingQuery.QueryLoansResponse));
      }
      expect(decodeQuery(await lendingQueries.creditHistory(b, addr(i)), lendingQuery.QueryCreditHistoryResponse)).toEqual(
        decodeQuery(await lendingQueries.creditHistory(a, addr(i)), lendingQuery.QueryCreditHistoryResponse),
      );
      expect(b.balance(addr(i))).toBe(a.balance(addr(i)));
    }
    expect(decodeQuery(await lendingQueries.params(b), lendingQuery.QueryParamsResponse)).toEqual(decodeQuery(await lendingQueries.params(a), lendingQuery.QueryParamsResponse));
    expect(b.balance(LENDING_ADDRESS)).toBe(a.balance(LENDING_ADDRESS));
    const [ea, eb] = [await a.exportAppState(), await b.exportAppState()];
    expect(eb['lending']).toEqual(ea['lending']);
  }

  it('answers every query the same, with the histories and scores', async () => {
    await sameAnswers();
    const scores = await Promise.all(
      [B1, B2, B3].map(async (i) => decodeQuery(await lendingQueries.creditHistory(b, addr(i)), lendingQuery.QueryCreditHistoryResponse).score),
    );
    // B1: one on time (550); B2: one late (520); B3: one default on a first loan (100).
    expect(scores).toEqual([550, 520, 100]);
  });

  it('continues ids where the exported chain left off', async () => {
    const [oa, ob] = [await offer(a, LENDER), await offer(b, LENDER)];
    expect(ob).toBe(oa);
    const [ra, rb] = [await request(a, B3), await request(b, B3)];
    expect(rb).toBe(ra);
    const [la, lb] = [await take(a, B3, oa), await take(b, B3, ob)];
    expect(lb).toBe(la);
    await sameAnswers();
  });

  it('fires the queues in step: expiries and defaults after the import', async () => {
    const times = [
      offerOf(a, offers.openLate!).expiresAt,
      requestOf(a, requests.openLate!).expiresAt,
      loanOf(a, loans[LoanStatus.LOAN_STATUS_ACTIVE]!).graceEndsAt + 1n,
    ].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (const time of times) {
      const [ra, rb] = [await a.block([], { time }), await b.block([], { time })];
      expect(rb.events.filter((e) => e.type.startsWith('lending_'))).toEqual(ra.events.filter((e) => e.type.startsWith('lending_')));
      expect(ra.events.some((e) => e.type.startsWith('lending_'))).toBe(true);
      await sameAnswers();
    }
    expect(offerOf(b, offers.openLate!).status).toBe(OfferStatus.OFFER_STATUS_EXPIRED);
    expect(requestOf(b, requests.openLate!).status).toBe(RequestStatus.REQUEST_STATUS_EXPIRED);
    expect(loanOf(b, loans[LoanStatus.LOAN_STATUS_ACTIVE]!).status).toBe(LoanStatus.LOAN_STATUS_DEFAULTED);
  });

  it('lets the part-repaid loan be repaid in full on the imported chain, exactly as on the original', async () => {
    const id = loans.activePartial!;
    const time = a.now + 10n;
    const [ra, rb] = [await a.ok(B2, lendingMsg.repayAll(addr(B2), id), { time }), await b.ok(B2, lendingMsg.repayAll(addr(B2), id), { time })];
    expect(rb.data).toEqual(ra.data);
    expect(loanOf(b, id)).toEqual(loanOf(a, id));
    expect(loanOf(b, id).status).toBe(LoanStatus.LOAN_STATUS_REPAID);
    await sameAnswers();
  });
});

describe('bad genesis', () => {
  const lending = (): Record<string, unknown> => structuredClone(exported['lending']) as Record<string, unknown>;
  const startWith = (l: Record<string, unknown>): Promise<unknown> =>
    TestChain.start(w, { appState: { ...exported, lending: l }, genesisSeconds: exportTime }).then(
      async (c) => {
        await c.close();
        return undefined;
      },
      (e: unknown) => e,
    );

  it('names the bad field', async () => {
    const l = lending();
    (l['loans'] as Record<string, unknown>[])[0]!['borrower'] = 'cmt1nope';
    expect(String(await startWith(l))).toMatch(/app_state\.lending\.loans\[0\]\.borrower/);
    const l2 = lending();
    (l2['offers'] as Record<string, unknown>[])[0]!['amount'] = '-3';
    expect(String(await startWith(l2))).toMatch(/app_state\.lending\.offers\[0\]\.amount/);
    const l3 = lending();
    (l3['params'] as Record<string, unknown>)['maxTimedTransitionsPerBlock'] = 0;
    expect(String(await startWith(l3))).toMatch(/app_state\.lending\.params: max_timed_transitions_per_block must be positive/);
    const l4 = lending();
    const ls = l4['loans'] as Record<string, unknown>[];
    ls.push(ls[0]!);
    expect(String(await startWith(l4))).toMatch(/app_state\.lending\.loans: id 1 appears twice/);
  });

  it('refuses records whose locked funds the lending account does not hold, and histories that do not match the loans', async () => {
    const l = lending();
    const open = (l['offers'] as Record<string, unknown>[]).find((o) => o['status'] === 'OFFER_STATUS_OPEN')!;
    open['amount'] = String(BigInt(open['amount'] as string) + 1n);
    expect(String(await startWith(l))).toMatch(/lending\/locked-funds/);
    const l2 = lending();
    (l2['histories'] as Record<string, unknown>[])[0]!['repaidOnTime'] = '7';
    expect(String(await startWith(l2))).toMatch(/lending\/credit-history/);
  });
});
