// lending through ABCI, in process: offers, requests, loans and their exact fund movements, interest
// to the last ucmt from the block times the test picks, defaults on both sides of the collateral
// split, credit histories and scores, the score gate, expiries, the bounded end-block queues, bad
// input that moves nothing, and the invariants. The app checks every module invariant after every
// block; each test also compares lending's account with what the records lock.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { ExecTxResult, Event } from 'cosmjs-types/tendermint/abci/types';
import { CreditHistory, LoanStatus, Offer, OfferStatus, RequestStatus, type Params } from '../../generated/cybermiles/lending/v1/lending.js';
import {
  MsgCreateOfferResponse,
  MsgCreateRequestResponse,
  MsgFundRequestResponse,
  MsgRepay,
  MsgRepayResponse,
  MsgTakeOfferResponse,
} from '../../generated/cybermiles/lending/v1/tx.js';
import { msgResponse, type TestChain } from '../../testing/chain-fixture.js';
import {
  LENDING_ADDRESS,
  lendingMsg,
  lendingQueries,
  lendingQuery,
  loanOf,
  offerOf,
  requestOf,
  startLendingChain,
  type LendingChainOptions,
} from '../../testing/lending-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { parseAddress } from '../auth/address.js';
import { lendingFundsInvariant, lendingHistoryInvariant, lendingQueuesInvariant, lockedByRecords } from './invariants.js';
import { historyKey, offerExpiryKey, offerKey } from './keys.js';

const LENDER = 0;
const BORROWER = 1;
const OTHER = 2;
const LENDER2 = 3;
const BORROWER2 = 4;
const BORROWER3 = 5;

const AMOUNT = 100_000_000n; // 100 CMT
const RATE = 50_000; // 500 % a year
const TERM = 1_000n;
const GRACE = 100n;
const PARAMS: Partial<Params> = { minTermSeconds: 10n, gracePeriodSeconds: GRACE, maxListingSeconds: 10_000n };

let w: TestWallet;
let c: TestChain;
const addr = (i: number): string => w.at(i).address;

beforeAll(async () => {
  w = await createTestWallet(6);
});

async function start(opts: LendingChainOptions = {}): Promise<void> {
  c = await startLendingChain(w, { lendingParams: PARAMS, ...opts });
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  expect(c.balance(LENDING_ADDRESS)).toBe(await lockedByRecords(c.keepers.lending, c.store));
  await c.close();
});

function expectCode(r: ExecTxResult, codespace: string, code: number): void {
  expect({ codespace: r.codespace, code: r.code }, r.log).toEqual({ codespace, code });
}

/** Every wallet account and the lending account. */
function funds(): bigint[] {
  return [...w.accounts.map((a) => c.balance(a.address)), c.balance(LENDING_ADDRESS)];
}

/** Each account's change since `before`, lending's account last. */
function delta(before: readonly bigint[]): bigint[] {
  return funds().map((b, i) => b - (before[i] ?? 0n));
}

/** The expected change: zero everywhere except the given accounts (-1 = lending's account). */
function moved(changes: Record<number, bigint>): bigint[] {
  const out = Array<bigint>(w.accounts.length + 1).fill(0n);
  for (const [k, v] of Object.entries(changes)) out[Number(k) === -1 ? w.accounts.length : Number(k)] = v;
  return out;
}
const MODULE = -1;

function attrs(events: readonly Event[], type: string): Record<string, string>[] {
  return events.filter((e) => e.type === type).map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

async function snapshotRecords(): Promise<string> {
  return JSON.stringify(await c.exportAppState(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A refused tx: its code, and nothing changed (balances, lending's records, histories). */
async function refused(signer: number, m: Parameters<TestChain['exec']>[1], codespace: string, code: number, opts: { time?: bigint; log?: RegExp } = {}): Promise<void> {
  const before = funds();
  const lending = JSON.stringify((await c.exportAppState()).lending);
  const r = await c.exec(signer, m, opts.time === undefined ? {} : { time: opts.time });
  expectCode(r, codespace, code);
  if (opts.log !== undefined) expect(r.log).toMatch(opts.log);
  expect(funds()).toEqual(before);
  // Ids are not used up either: the whole lending state is as it was.
  expect(JSON.stringify((await c.exportAppState()).lending)).toBe(lending);
}

interface OfferOpts {
  lender?: number;
  amount?: bigint;
  rateBps?: number;
  termSeconds?: bigint;
  collateralRatioBps?: number;
  minCreditScore?: number;
  expiresIn?: bigint;
  time?: bigint;
}

async function offer(o: OfferOpts = {}): Promise<bigint> {
  const lender = o.lender ?? LENDER;
  const time = o.time ?? c.now + 1n;
  const r = await c.ok(
    lender,
    lendingMsg.createOffer({
      lender: addr(lender),
      amount: (o.amount ?? AMOUNT).toString(),
      rateBps: o.rateBps ?? RATE,
      termSeconds: o.termSeconds ?? TERM,
      collateralRatioBps: o.collateralRatioBps ?? 5000,
      minCreditScore: o.minCreditScore ?? 0,
      expiresAt: time + (o.expiresIn ?? 5_000n),
    }),
    { time },
  );
  return msgResponse(r, MsgCreateOfferResponse).offerId;
}

async function take(borrower: number, offerId: bigint, collateral: bigint, time?: bigint): Promise<bigint> {
  const r = await c.ok(borrower, lendingMsg.takeOffer(addr(borrower), offerId, collateral), time === undefined ? {} : { time });
  return msgResponse(r, MsgTakeOfferResponse).loanId;
}

interface RequestOpts {
  borrower?: number;
  amount?: bigint;
  maxRateBps?: number;
  termSeconds?: bigint;
  collateral?: bigint;
  expiresIn?: bigint;
  time?: bigint;
}

async function request(o: RequestOpts = {}): Promise<bigint> {
  const borrower = o.borrower ?? BORROWER;
  const time = o.time ?? c.now + 1n;
  const r = await c.ok(
    borrower,
    lendingMsg.createRequest({
      borrower: addr(borrower),
      amount: (o.amount ?? 20_000_000n).toString(),
      maxRateBps: o.maxRateBps ?? 3000,
      termSeconds: o.termSeconds ?? 500n,
      collateral: (o.collateral ?? 10_000_000n).toString(),
      expiresAt: time + (o.expiresIn ?? 1_000n),
    }),
    { time },
  );
  return msgResponse(r, MsgCreateRequestResponse).requestId;
}

const history = (i: number): CreditHistory => c.keepers.lending.history(c.store, addr(i));
const score = (i: number): bigint => c.keepers.lending.scoreOf(c.store, addr(i));

describe('an offer taken and repaid in two parts', () => {
  it('moves principal, interest and collateral exactly, interest from the block times', async () => {
    const f0 = funds();
    const id = await offer();
    expect(offerOf(c, id)).toMatchObject({ id: 1n, status: OfferStatus.OFFER_STATUS_OPEN, lender: addr(LENDER), amount: AMOUNT.toString(), createdAt: c.now, closedAt: 0n });
    expect(delta(f0)).toEqual(moved({ [LENDER]: -AMOUNT, [MODULE]: AMOUNT }));

    const t1 = c.now + 10n;
    const loanId = await take(BORROWER, id, 50_000_000n, t1);
    expect(loanId).toBe(1n);
    expect(loanOf(c, loanId)).toMatchObject({
      lender: addr(LENDER),
      borrower: addr(BORROWER),
      principal: '100000000',
      rateBps: RATE,
      collateral: '50000000',
      startedAt: t1,
      dueAt: t1 + TERM,
      graceEndsAt: t1 + TERM + GRACE,
      principalOutstanding: '100000000',
      interestOwed: '0',
      accruedThrough: t1,
      status: LoanStatus.LOAN_STATUS_ACTIVE,
      offerId: id,
      requestId: 0n,
    });
    expect(offerOf(c, id)).toMatchObject({ status: OfferStatus.OFFER_STATUS_TAKEN, loanId, closedAt: t1 });
    expect(delta(f0)).toEqual(moved({ [LENDER]: -AMOUNT, [BORROWER]: AMOUNT - 50_000_000n, [MODULE]: 50_000_000n }));
    expect(history(BORROWER)).toMatchObject({ loansTaken: 1n, amountBorrowed: '100000000', amountRepaid: '0' });

    // 400 s at 500 %: ceil(10^8 * 50000 * 400 / 315360000000) = ceil(6341.958) = 6342.
    const r2 = await c.ok(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 10_000_000n), { time: t1 + 400n });
    expect(msgResponse(r2, MsgRepayResponse)).toEqual({ interestPaid: '6342', principalPaid: '9993658', remaining: '90006342', closed: false });
    expect(loanOf(c, loanId)).toMatchObject({
      principalOutstanding: '90006342',
      interestOwed: '0',
      accruedThrough: t1 + 400n,
      interestPaid: '6342',
      principalRepaid: '9993658',
      status: LoanStatus.LOAN_STATUS_ACTIVE,
    });
    expect(delta(f0)).toEqual(moved({ [LENDER]: -AMOUNT + 10_000_000n, [BORROWER]: AMOUNT - 50_000_000n - 10_000_000n, [MODULE]: 50_000_000n }));
    expect(attrs(r2.events, 'lending_loan_repayment')).toEqual([
      expect.objectContaining({ loan_id: '1', lender: addr(LENDER), borrower: addr(BORROWER), amount: '10000000', interest_paid: '6342', principal_paid: '9993658', remaining: '90006342' }),
    ]);

    // What a full repayment would cost at t1 + 700: 90006342 + ceil(4281.124).
    const q = lendingQuery.QueryLoanResponse.decode((await lendingQueries.loan(c, loanId, t1 + 700n)).value);
    expect(q.owedAt).toBe('90010624');

    const r3 = await c.ok(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId), { time: t1 + 700n });
    expect(msgResponse(r3, MsgRepayResponse)).toEqual({ interestPaid: '4282', principalPaid: '90006342', remaining: '0', closed: true });
    expect(loanOf(c, loanId)).toMatchObject({
      status: LoanStatus.LOAN_STATUS_REPAID,
      closedAt: t1 + 700n,
      principalOutstanding: '0',
      interestOwed: '0',
      interestPaid: '10624',
      principalRepaid: '100000000',
    });
    // Interest 6342 + 4282 went to the lender; the collateral came back.
    expect(delta(f0)).toEqual(moved({ [LENDER]: 10_624n, [BORROWER]: -10_624n }));
    expect(history(BORROWER)).toEqual(
      CreditHistory.fromPartial({ borrower: addr(BORROWER), loansTaken: 1n, repaidOnTime: 1n, amountBorrowed: '100000000', amountRepaid: '100010624', amountDefaulted: '0' }),
    );
    expect(score(BORROWER)).toBe(550n);
    expect(attrs(r3.events, 'lending_loan_repaid')).toEqual([expect.objectContaining({ loan_id: '1', status: 'repaid', on_time: 'true', collateral_returned: '50000000' })]);
    expect(attrs(r3.events, 'lending_credit_updated')).toEqual([expect.objectContaining({ borrower: addr(BORROWER), score: '550', repaid_on_time: '1' })]);
    // The loan is out of the default queue: nothing happens at its grace end.
    const after = funds();
    await c.block([], { time: t1 + TERM + GRACE + 1n });
    expect(funds()).toEqual(after);
  });

  it('emits offer_taken and loan_started with ids and parties', async () => {
    const id = await offer();
    const r = await c.ok(BORROWER, lendingMsg.takeOffer(addr(BORROWER), id, 50_000_000n));
    expect(attrs(r.events, 'lending_offer_taken')).toEqual([expect.objectContaining({ offer_id: '1', lender: addr(LENDER), borrower: addr(BORROWER), loan_id: '1', status: 'taken' })]);
    expect(attrs(r.events, 'lending_loan_started')).toEqual([
      expect.objectContaining({ loan_id: '1', lender: addr(LENDER), borrower: addr(BORROWER), offer_id: '1', request_id: '0', principal: '100000000', collateral: '50000000' }),
    ]);
    for (const e of r.events) for (const a of e.attributes) expect(a.index).toBe(true);
  });

  it('accepts a repayment of exactly what is owed as a full one, and refuses one ucmt more', async () => {
    const id = await offer();
    const t1 = c.now + 1n;
    const loanId = await take(BORROWER, id, 50_000_000n, t1);
    // 100 s: ceil(1585.49) = 1586.
    await refused(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, AMOUNT + 1_587n), 'lending', 14, { time: t1 + 100n, log: /exceeds the 100001586ucmt owed/ });
    const r = await c.ok(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, AMOUNT + 1_586n), { time: t1 + 100n });
    expect(msgResponse(r, MsgRepayResponse)).toEqual({ interestPaid: '1586', principalPaid: '100000000', remaining: '0', closed: true });
  });

  it('pays interest only when a repayment does not cover it', async () => {
    const id = await offer();
    const t1 = c.now + 1n;
    const loanId = await take(BORROWER, id, 50_000_000n, t1);
    const r = await c.ok(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 1_000n), { time: t1 + 100n });
    expect(msgResponse(r, MsgRepayResponse)).toEqual({ interestPaid: '1000', principalPaid: '0', remaining: '100000586', closed: false });
    expect(loanOf(c, loanId)).toMatchObject({ interestOwed: '586', principalOutstanding: '100000000', accruedThrough: t1 + 100n });
    // Unpaid interest bears none: another 100 s adds 1586 on the principal only.
    const r2 = await c.ok(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId), { time: t1 + 200n });
    expect(msgResponse(r2, MsgRepayResponse)).toEqual({ interestPaid: '2172', principalPaid: '100000000', remaining: '0', closed: true });
  });
});

describe('a funded request, repaid late', () => {
  it('moves the principal from lender to borrower, keeps the collateral, and records a late repayment', async () => {
    const f0 = funds();
    const rid = await request();
    expect(requestOf(c, rid)).toMatchObject({ status: RequestStatus.REQUEST_STATUS_OPEN, collateral: '10000000', maxRateBps: 3000 });
    expect(delta(f0)).toEqual(moved({ [BORROWER]: -10_000_000n, [MODULE]: 10_000_000n }));
    await refused(LENDER, lendingMsg.fundRequest(addr(LENDER), rid, 3001), 'lending', 10, { log: /above loan request 1's maximum 3000/ });
    await refused(BORROWER, lendingMsg.fundRequest(addr(BORROWER), rid, 3000), 'lending', 16);

    const t = c.now + 5n;
    const r = await c.ok(LENDER, lendingMsg.fundRequest(addr(LENDER), rid, 3000), { time: t });
    const loanId = msgResponse(r, MsgFundRequestResponse).loanId;
    expect(requestOf(c, rid)).toMatchObject({ status: RequestStatus.REQUEST_STATUS_FUNDED, loanId, closedAt: t });
    expect(loanOf(c, loanId)).toMatchObject({ offerId: 0n, requestId: rid, rateBps: 3000, collateral: '10000000', dueAt: t + 500n, graceEndsAt: t + 600n });
    expect(delta(f0)).toEqual(moved({ [LENDER]: -20_000_000n, [BORROWER]: 20_000_000n - 10_000_000n, [MODULE]: 10_000_000n }));
    expect(attrs(r.events, 'lending_request_funded')).toEqual([expect.objectContaining({ request_id: '1', borrower: addr(BORROWER), lender: addr(LENDER), loan_id: '1' })]);

    // Past the due date, within the grace period: 550 s at 30 % on 2*10^7 = ceil(104.64) = 105.
    const r2 = await c.ok(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId), { time: t + 550n });
    expect(msgResponse(r2, MsgRepayResponse)).toMatchObject({ interestPaid: '105', closed: true });
    expect(loanOf(c, loanId)).toMatchObject({ status: LoanStatus.LOAN_STATUS_REPAID_LATE, closedAt: t + 550n });
    expect(delta(f0)).toEqual(moved({ [LENDER]: 105n, [BORROWER]: -105n }));
    expect(history(BORROWER)).toMatchObject({ loansTaken: 1n, repaidOnTime: 0n, repaidLate: 1n, amountRepaid: '20000105' });
    expect(score(BORROWER)).toBe(520n);
  });

  it('counts a repayment at the due date itself as on time', async () => {
    const rid = await request({ collateral: 0n });
    const t = c.now + 1n;
    const loanId = msgResponse(await c.ok(LENDER, lendingMsg.fundRequest(addr(LENDER), rid, 0), { time: t }), MsgFundRequestResponse).loanId;
    const r = await c.ok(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId), { time: t + 500n });
    // Interest-free: exactly the principal back.
    expect(msgResponse(r, MsgRepayResponse)).toEqual({ interestPaid: '0', principalPaid: '20000000', remaining: '0', closed: true });
    expect(loanOf(c, loanId).status).toBe(LoanStatus.LOAN_STATUS_REPAID);
  });
});

describe('defaults', () => {
  it('gives the lender principal and interest at the grace end out of the collateral, the rest back to the borrower', async () => {
    const id = await offer({ amount: 10_000_000n, rateBps: 20_000, termSeconds: 200n, collateralRatioBps: 15_000 });
    const f0 = funds();
    const t = c.now + 1n;
    const loanId = await take(BORROWER, id, 15_000_000n, t);
    const grace = loanOf(c, loanId).graceEndsAt;
    expect(grace).toBe(t + 300n);
    // Repayable up to the grace end itself; nothing happens in that block's end-block.
    await c.block([], { time: grace });
    expect(loanOf(c, loanId).status).toBe(LoanStatus.LOAN_STATUS_ACTIVE);
    const res = await c.block([], { time: grace + 40n });
    // Interest up to the grace end only: 300 s at 200 % on 10^7 = ceil(190.26) = 191.
    expect(loanOf(c, loanId)).toMatchObject({
      status: LoanStatus.LOAN_STATUS_DEFAULTED,
      closedAt: grace + 40n,
      interestOwed: '191',
      accruedThrough: grace,
      owedAtDefault: '10000191',
      collateralToLender: '10000191',
      collateralReturned: '4999809',
    });
    // (The offer's amount had left the lender before f0.)
    expect(delta(f0)).toEqual(moved({ [LENDER]: 10_000_191n, [BORROWER]: 10_000_000n - 15_000_000n + 4_999_809n, [MODULE]: -10_000_000n }));
    expect(attrs(res.events, 'lending_loan_defaulted')).toEqual([
      expect.objectContaining({ loan_id: '1', lender: addr(LENDER), borrower: addr(BORROWER), owed: '10000191', collateral_to_lender: '10000191', collateral_returned: '4999809' }),
    ]);
    expect(history(BORROWER)).toMatchObject({ loansTaken: 1n, defaulted: 1n, amountBorrowed: '10000000', amountDefaulted: '10000191' });
    // 500 - 150 - 250 (the defaulted amount is at least what was borrowed).
    expect(score(BORROWER)).toBe(100n);
    expect(attrs(res.events, 'lending_credit_updated')).toEqual([expect.objectContaining({ borrower: addr(BORROWER), score: '100', defaulted: '1' })]);
    await refused(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId), 'lending', 5);
  });

  it('gives the lender all the collateral when it covers less than what is owed', async () => {
    const id = await offer({ amount: 10_000_000n, rateBps: 20_000, termSeconds: 200n, collateralRatioBps: 5000 });
    const f0 = funds();
    const t = c.now + 1n;
    const loanId = await take(BORROWER, id, 5_000_000n, t);
    // 100 s: interest ceil(63.42) = 64, principal paid 999936.
    await c.ok(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 1_000_000n), { time: t + 100n });
    expect(loanOf(c, loanId).principalOutstanding).toBe('9000064');
    await c.block([], { time: t + 301n });
    // The remaining 200 s to the grace end: ceil(114.16) = 115 on 9000064.
    expect(loanOf(c, loanId)).toMatchObject({ status: LoanStatus.LOAN_STATUS_DEFAULTED, owedAtDefault: '9000179', collateralToLender: '5000000', collateralReturned: '0' });
    expect(delta(f0)).toEqual(moved({ [LENDER]: 1_000_000n + 5_000_000n, [BORROWER]: 10_000_000n - 5_000_000n - 1_000_000n, [MODULE]: -10_000_000n }));
    expect(history(BORROWER)).toMatchObject({ defaulted: 1n, amountRepaid: '1000000', amountDefaulted: '9000179' });
    // 500 - 150 - floor(250 * 9000179 / 10^7) = 500 - 150 - 225.
    expect(score(BORROWER)).toBe(125n);
  });

  it('refuses repayments once the grace period is over, even before the default is processed', async () => {
    const id = await offer({ termSeconds: 50n });
    const t = c.now + 1n;
    const loanId = await take(BORROWER, id, 50_000_000n, t);
    const grace = loanOf(c, loanId).graceEndsAt;
    await c.ok(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 1_000n), { time: grace });
    const r = await c.exec(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 1_000n), { time: grace + 1n });
    expectCode(r, 'lending', 17);
    expect(loanOf(c, loanId).status).toBe(LoanStatus.LOAN_STATUS_DEFAULTED);
  });

  it('records an unsecured default: nothing to seize, the whole debt in the history', async () => {
    const id = await offer({ amount: 1_000_000n, rateBps: 0, termSeconds: 10n, collateralRatioBps: 0 });
    const f0 = funds();
    const loanId = await take(BORROWER, id, 0n);
    await c.block([], { time: loanOf(c, loanId).graceEndsAt + 1n });
    expect(loanOf(c, loanId)).toMatchObject({ status: LoanStatus.LOAN_STATUS_DEFAULTED, owedAtDefault: '1000000', collateralToLender: '0', collateralReturned: '0' });
    expect(delta(f0)).toEqual(moved({ [BORROWER]: 1_000_000n, [MODULE]: -1_000_000n }));
    expect(score(BORROWER)).toBe(100n);
  });
});

describe('the credit score gate', () => {
  it('refuses an unsecured offer to a borrower under its minimum score and accepts it once the score is reached', async () => {
    const unsecured = await offer({ lender: LENDER2, amount: 5_000_000n, collateralRatioBps: 0, minCreditScore: 550 });
    expect(score(BORROWER)).toBe(500n);
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), unsecured, 0n), 'lending', 8, { log: /credit score 500 of cmt1.* is below offer 1's minimum 550/ });
    // One loan repaid on time: 550.
    const small = await offer({ amount: 1_000_000n, collateralRatioBps: 10_000 });
    const loanId = await take(BORROWER, small, 1_000_000n);
    await c.ok(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId));
    expect(score(BORROWER)).toBe(550n);
    const f0 = funds();
    const unsecuredLoan = await take(BORROWER, unsecured, 0n);
    expect(loanOf(c, unsecuredLoan)).toMatchObject({ collateral: '0', principal: '5000000' });
    expect(delta(f0)).toEqual(moved({ [BORROWER]: 5_000_000n, [MODULE]: -5_000_000n }));
  });

  it('lets a defaulted borrower take only offers with a low enough minimum', async () => {
    const bad = await offer({ amount: 1_000_000n, termSeconds: 10n, collateralRatioBps: 0 });
    const loanId = await take(BORROWER, bad, 0n);
    await c.block([], { time: loanOf(c, loanId).graceEndsAt + 1n });
    const strict = await offer({ amount: 1_000n, minCreditScore: 101 });
    const lenient = await offer({ amount: 1_000n, minCreditScore: 100 });
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), strict, 500n), 'lending', 8);
    await take(BORROWER, lenient, 500n);
  });
});

describe('cancel and expiry', () => {
  it('cancels an offer: the amount back to the lender; only the lender, only once', async () => {
    const f0 = funds();
    const id = await offer();
    await refused(OTHER, lendingMsg.cancelOffer(addr(OTHER), id), 'lending', 6);
    const r = await c.ok(LENDER, lendingMsg.cancelOffer(addr(LENDER), id));
    expect(offerOf(c, id)).toMatchObject({ status: OfferStatus.OFFER_STATUS_CANCELLED, closedAt: c.now });
    expect(delta(f0)).toEqual(moved({}));
    expect(attrs(r.events, 'lending_offer_cancelled')).toEqual([expect.objectContaining({ offer_id: '1', lender: addr(LENDER) })]);
    await refused(LENDER, lendingMsg.cancelOffer(addr(LENDER), id), 'lending', 5);
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), id, 50_000_000n), 'lending', 5, { log: /offer 1 is cancelled/ });
  });

  it('cancels a request: the collateral back to the borrower', async () => {
    const f0 = funds();
    const rid = await request();
    await refused(LENDER, lendingMsg.cancelRequest(addr(LENDER), rid), 'lending', 6);
    await c.ok(BORROWER, lendingMsg.cancelRequest(addr(BORROWER), rid));
    expect(requestOf(c, rid).status).toBe(RequestStatus.REQUEST_STATUS_CANCELLED);
    expect(delta(f0)).toEqual(moved({}));
    await refused(LENDER, lendingMsg.fundRequest(addr(LENDER), rid, 100), 'lending', 5);
  });

  it('expires an offer in the first block at or after expires_at; it cannot be taken from that time on', async () => {
    const f0 = funds();
    const id = await offer({ expiresIn: 100n });
    const expiresAt = offerOf(c, id).expiresAt;
    await c.block([], { time: expiresAt - 1n });
    expect(offerOf(c, id).status).toBe(OfferStatus.OFFER_STATUS_OPEN);
    // A take in the expiry block itself is refused (the block time is not before expires_at) and
    // the same block's end-block returns the amount.
    const r = await c.exec(BORROWER, lendingMsg.takeOffer(addr(BORROWER), id, 50_000_000n), { time: expiresAt });
    expectCode(r, 'lending', 7);
    expect(offerOf(c, id)).toMatchObject({ status: OfferStatus.OFFER_STATUS_EXPIRED, closedAt: expiresAt });
    expect(delta(f0)).toEqual(moved({}));
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), id, 50_000_000n), 'lending', 7, { log: /offer 1 expired at/ });
    await refused(LENDER, lendingMsg.cancelOffer(addr(LENDER), id), 'lending', 7);
  });

  it('expires a request: the collateral back to the borrower', async () => {
    const f0 = funds();
    const rid = await request({ expiresIn: 50n });
    const res = await c.block([], { time: requestOf(c, rid).expiresAt + 7n });
    expect(requestOf(c, rid)).toMatchObject({ status: RequestStatus.REQUEST_STATUS_EXPIRED });
    expect(delta(f0)).toEqual(moved({}));
    expect(attrs(res.events, 'lending_request_expired')).toEqual([expect.objectContaining({ request_id: '1', borrower: addr(BORROWER) })]);
    await refused(LENDER, lendingMsg.fundRequest(addr(LENDER), rid, 100), 'lending', 7);
  });
});

describe('the end-block queues', () => {
  it('process at most max_timed_transitions_per_block per block: defaults first, then offer and request expiries', async () => {
    await c.close();
    await start({ lendingParams: { ...PARAMS, maxTimedTransitionsPerBlock: 2 } });
    const offers = [await offer({ amount: 1_000n, termSeconds: 10n }), await offer({ amount: 1_000n, termSeconds: 10n }), await offer({ amount: 1_000n, termSeconds: 10n })];
    // Three loans started in one block share their grace end.
    const takes = [];
    for (const [i, id] of offers.entries()) takes.push(await c.tx([BORROWER, BORROWER2, BORROWER3][i]!, [lendingMsg.takeOffer(addr([BORROWER, BORROWER2, BORROWER3][i]!), id, 500n)]));
    const started = await c.block(takes);
    expect(started.txResults.map((r) => r.code)).toEqual([0, 0, 0]);
    const grace = loanOf(c, 1n).graceEndsAt;
    expect([loanOf(c, 2n).graceEndsAt, loanOf(c, 3n).graceEndsAt]).toEqual([grace, grace]);
    // Two offers and a request that expire before that.
    const t = c.now + 1n;
    const o4 = await offer({ amount: 1_000n, expiresIn: grace - t - 10n, time: t });
    const o5 = await offer({ lender: LENDER2, amount: 1_000n, expiresIn: grace - t - 10n - 1n, time: t + 1n });
    const r1 = await request({ collateral: 7n, expiresIn: 20n, time: t + 2n });
    expect([o4, o5, r1]).toEqual([4n, 5n, 1n]);

    const ids = async (time: bigint): Promise<string[]> => {
      const res = await c.block([], { time });
      return res.events
        .filter((e) => e.type.startsWith('lending_') && e.type !== 'lending_credit_updated')
        .map((e) => {
          const kind = e.type.includes('loan') ? 'loan_id' : e.type.includes('offer') ? 'offer_id' : 'request_id';
          return `${e.type.replace('lending_', '')}:${e.attributes.find((a) => a.key === kind)?.value ?? ''}`;
        });
    };
    expect(await ids(grace + 1n)).toEqual(['loan_defaulted:1', 'loan_defaulted:2']);
    expect(await ids(grace + 2n)).toEqual(['loan_defaulted:3', 'offer_expired:4']);
    expect(await ids(grace + 3n)).toEqual(['offer_expired:5', 'request_expired:1']);
    expect(await ids(grace + 4n)).toEqual([]);
    expect(c.balance(LENDING_ADDRESS)).toBe(0n);
  });
});

describe('bad input moves nothing', () => {
  it('refuses bad offers and requests with clear codes', async () => {
    const base = { lender: addr(LENDER), amount: '1000', rateBps: 100, termSeconds: 100n, collateralRatioBps: 0, minCreditScore: 0 };
    const exp = (): bigint => c.now + 100n;
    await refused(LENDER, lendingMsg.createOffer({ ...base, amount: '0', expiresAt: exp() }), 'lending', 15);
    await refused(LENDER, lendingMsg.createOffer({ ...base, amount: '-1', expiresAt: exp() }), 'sdk', 10);
    await refused(LENDER, lendingMsg.createOffer({ ...base, amount: '1.5', expiresAt: exp() }), 'sdk', 10);
    await refused(LENDER, lendingMsg.createOffer({ ...base, rateBps: 100_001, expiresAt: exp() }), 'lending', 11);
    await refused(LENDER, lendingMsg.createOffer({ ...base, termSeconds: 9n, expiresAt: exp() }), 'lending', 12);
    await refused(LENDER, lendingMsg.createOffer({ ...base, termSeconds: 5n * 365n * 86_400n + 1n, expiresAt: exp() }), 'lending', 12);
    await refused(LENDER, lendingMsg.createOffer({ ...base, minCreditScore: 1001, expiresAt: exp() }), 'lending', 18);
    // The block runs one second after c.now: expires_at must be later than that, and within max_listing_seconds.
    await refused(LENDER, lendingMsg.createOffer({ ...base, expiresAt: c.now + 1n }), 'lending', 13);
    await refused(LENDER, lendingMsg.createOffer({ ...base, expiresAt: c.now + 2n + 10_000n }), 'lending', 13);
    await c.ok(LENDER, lendingMsg.createOffer({ ...base, expiresAt: c.now + 1n + 10_000n, rateBps: 100_000, termSeconds: 10n, minCreditScore: 1000 }));
    await refused(LENDER, lendingMsg.createOffer({ ...base, amount: (c.balance(addr(LENDER)) + 1n).toString(), expiresAt: exp() }), 'sdk', 5);
    await refused(LENDER, lendingMsg.createOffer({ ...base, lender: 'cmt1bad', expiresAt: exp() }), 'sdk', 7);

    const req = { borrower: addr(BORROWER), amount: '1000', maxRateBps: 100, termSeconds: 100n, collateral: '10' };
    await refused(BORROWER, lendingMsg.createRequest({ ...req, amount: '0', expiresAt: exp() }), 'lending', 15);
    await refused(BORROWER, lendingMsg.createRequest({ ...req, maxRateBps: 100_001, expiresAt: exp() }), 'lending', 11);
    await refused(BORROWER, lendingMsg.createRequest({ ...req, termSeconds: 0n, expiresAt: exp() }), 'lending', 12);
    await refused(BORROWER, lendingMsg.createRequest({ ...req, expiresAt: 0n }), 'lending', 13);
    await refused(BORROWER, lendingMsg.createRequest({ ...req, collateral: 'x', expiresAt: exp() }), 'sdk', 10);
    await refused(BORROWER, lendingMsg.createRequest({ ...req, collateral: (c.balance(addr(BORROWER)) + 1n).toString(), expiresAt: exp() }), 'sdk', 5);
    // Another key signing for the lender is refused by the ante.
    const before = funds();
    const r = await c.exec(OTHER, lendingMsg.createOffer({ ...base, expiresAt: exp() }));
    expect(r.code).not.toBe(0);
    expect(funds()).toEqual(before);
  });

  it('refuses bad takes, funds and repayments with clear codes', async () => {
    const id = await offer();
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), 99n, 50_000_000n), 'lending', 2);
    await refused(LENDER, lendingMsg.fundRequest(addr(LENDER), 99n, 1), 'lending', 3);
    await refused(BORROWER, lendingMsg.repay(addr(BORROWER), 99n, 1n), 'lending', 4);
    await refused(LENDER, lendingMsg.takeOffer(addr(LENDER), id, 50_000_000n), 'lending', 16);
    // Collateral: 5000 bps of 10^8 is 5*10^7; one ucmt less is refused.
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), id, 49_999_999n), 'lending', 9, { log: /needs at least 50000000ucmt of collateral/ });
    await refused(BORROWER, lendingMsg.takeOffer(addr(BORROWER), id, ''), 'lending', 9);
    const loanId = await take(BORROWER, id, 50_000_000n);
    await refused(BORROWER2, lendingMsg.takeOffer(addr(BORROWER2), id, 50_000_000n), 'lending', 5);
    // Only the borrower repays its loan.
    await refused(OTHER, lendingMsg.repay(addr(OTHER), loanId, 1_000n), 'lending', 6, { log: /only the borrower of loan 1/ });
    await refused(LENDER, lendingMsg.repay(addr(LENDER), loanId, 1_000n), 'lending', 6);
    await refused(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 0n), 'lending', 15);
    await refused(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 2n * AMOUNT), 'lending', 14, { log: /exceeds the/ });
  });

  it('refuses all together with an amount', async () => {
    const id = await offer();
    const loanId = await take(BORROWER, id, 50_000_000n);
    const m = { typeUrl: '/cybermiles.lending.v1.MsgRepay', value: MsgRepay.encode({ borrower: addr(BORROWER), loanId, amount: '5', all: true }).finish() };
    await refused(BORROWER, m, 'lending', 15);
  });

  it('refuses a repayment the borrower cannot pay, keeping the loan as it was', async () => {
    const id = await offer({ amount: 1_000_000n, collateralRatioBps: 0 });
    const loanId = await take(BORROWER, id, 0n);
    // The borrower spends almost everything.
    await c.ok(BORROWER, {
      typeUrl: '/cosmos.bank.v1beta1.MsgSend',
      value: MsgSend.encode({ fromAddress: addr(BORROWER), toAddress: addr(OTHER), amount: [{ denom: 'ucmt', amount: (c.balance(addr(BORROWER)) - 10n).toString() }] }).finish(),
    });
    await refused(BORROWER, lendingMsg.repay(addr(BORROWER), loanId, 11n), 'sdk', 5);
  });

  it('keeps users from sending to the lending account (a donation would break the locked-funds invariant)', async () => {
    const r = await c.exec(LENDER, {
      typeUrl: '/cosmos.bank.v1beta1.MsgSend',
      value: MsgSend.encode({ fromAddress: addr(LENDER), toAddress: LENDING_ADDRESS, amount: [{ denom: 'ucmt', amount: '1' }] }).finish(),
    });
    expectCode(r, 'sdk', 4);
  });
});

describe('invariants', () => {
  it('hold through a mix of transitions, and each names what broke when state is tampered with', async () => {
    const a = await offer();
    await request();
    const loanId = await take(BORROWER2, await offer({ lender: LENDER2, amount: 3_000n }), 1_500n);
    await c.ok(BORROWER2, lendingMsg.repay(addr(BORROWER2), loanId, 100n));
    const k = c.keepers.lending;
    const funds = lendingFundsInvariant(k, { lockedBalance: (store) => c.keepers.bank.getBalance(store, parseAddress(LENDING_ADDRESS), 'ucmt') });
    const queues = lendingQueuesInvariant(k);
    const histories = lendingHistoryInvariant(k);
    for (const inv of [funds, queues, histories]) expect(await inv.check(c.store), inv.name).toBeUndefined();
    const held = AMOUNT + 10_000_000n + 1_500n;
    expect(c.balance(LENDING_ADDRESS)).toBe(held);

    const bigger = c.store.branch();
    bigger.set(offerKey(a), Offer.encode({ ...offerOf(c, a), amount: (AMOUNT + 1n).toString() }).finish());
    expect(await funds.check(bigger)).toBe(`lending account holds ${held}ucmt, open offers, open requests and active loans lock ${held + 1n}ucmt`);

    const unqueued = c.store.branch();
    unqueued.delete(offerExpiryKey(offerOf(c, a).expiresAt, a));
    expect(await queues.check(unqueued)).toBe('open offer 1 is missing from its queue or index');

    const rewritten = c.store.branch();
    rewritten.set(historyKey(parseAddress(addr(BORROWER2))), CreditHistory.encode({ ...k.history(c.store, addr(BORROWER2)), repaidOnTime: 3n }).finish());
    expect(await histories.check(rewritten)).toMatch(/^credit history of cmt1.* its loans add up to/);
  });
});

describe('reputation reads the credit history (app.ts wiring)', () => {
  it('shows a borrower with repaid loans at lending\'s score, and none without loans', async () => {
    const reputation = c.keepers.reputation;
    const before = reputation.creditScore(c.store, addr(BORROWER), c.now);
    expect(before.repaidLoans).toBe(0n);
    const loanId = await take(BORROWER, await offer(), 50_000_000n);
    await c.ok(BORROWER, lendingMsg.repayAll(addr(BORROWER), loanId));
    const after = reputation.creditScore(c.store, addr(BORROWER), c.now);
    expect(after.repaidLoans).toBe(1n);
    expect(after.defaultedLoans).toBe(0n);
    // lending's 550 of 1000 is 2.75 of 5 on reputation's scale (ppm).
    expect(after.borrowerScore).toBe(c.keepers.lending.scoreOf(c.store, addr(BORROWER)) * 5000n);
    expect(after.borrowerScore).toBe(2_750_000n);
  });
});
