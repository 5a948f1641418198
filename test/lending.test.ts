// Lending end to end through the typed client against a real CometBFT devnet: an offer taken,
// repaid in part and in full with interest to the last ucmt from the txs' block times; a default
// with the collateral split and the credit history and score updated; the credit score gate on an
// unsecured offer; bad input that gets clear codes and moves nothing.
import { connectComet } from '@cosmjs/tendermint-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxError } from '../src/client/client.js';
import { LoanStatus, OfferStatus } from '../src/generated/cybermiles/lending/v1/lending.js';
import { balances, chainTime, party, type Party } from './helpers/escrow.js';
import { blockTime, expectedInterest, LENDING_ACCOUNT, SHORT_LENDING } from './helpers/lending.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';

describe('lending', () => {
  let node: TestNode;
  let lender: Party;
  let borrower: Party;
  let lender2: Party;
  let defaulter: Party;
  let newcomer: Party;
  let stranger: Party;

  beforeAll(async () => {
    node = await startDevnetNode({ appStatePatch: SHORT_LENDING });
    const url = node.rpcUrl;
    [lender, borrower, lender2, defaulter, newcomer, stranger] = await Promise.all([party(url, 0), party(url, 1), party(url, 2), party(url, 3), party(url, 4), party(url, 5)]);
  });

  afterAll(async () => {
    for (const p of [lender, borrower, lender2, defaulter, newcomer, stranger]) p?.client.disconnect();
    await node?.destroy();
  });

  const amounts = (who: readonly Party[]): Promise<bigint[]> => balances(lender.client, [...who.map((p) => p.address), LENDING_ACCOUNT]);
  const loan = async (id: bigint) => {
    const l = (await lender.client.query.lending.loan(id)).loan;
    if (l === undefined) throw new Error(`loan ${id} missing`);
    return l;
  };

  it('takes an offer, repays in part and in full, interest exact from the block times', async () => {
    const AMOUNT = 100_000_000_000n; // 100,000 CMT
    const RATE = 5000n; // 50 % a year: about 1585.5 ucmt a second
    const COLLATERAL = 50_000_000_000n;
    const [l0, b0, m0] = await amounts([lender, borrower]);
    const now = await chainTime(lender.client);
    const { offerId } = await lender.client.createOffer(lender.address, {
      amount: AMOUNT,
      rateBps: Number(RATE),
      termSeconds: 600n,
      collateralRatioBps: 5000,
      expiresAt: now + 300n,
    });
    expect(await amounts([lender, borrower])).toEqual([l0! - AMOUNT, b0, m0! + AMOUNT]);
    expect((await borrower.client.query.lending.openOffers({ minAmount: AMOUNT, maxRateBps: 5000 })).offers.map((o) => o.id)).toContain(offerId);

    const { loanId, tx: takeTx } = await borrower.client.takeOffer(borrower.address, offerId, COLLATERAL);
    const t1 = await blockTime(borrower.client, takeTx.height);
    expect(await loan(loanId)).toMatchObject({ status: LoanStatus.LOAN_STATUS_ACTIVE, startedAt: t1, dueAt: t1 + 600n, graceEndsAt: t1 + 603n, principal: AMOUNT.toString() });
    expect(await amounts([lender, borrower])).toEqual([l0! - AMOUNT, b0! + AMOUNT - COLLATERAL, m0! + COLLATERAL]);

    const PART = 1_000_000_000n;
    const part = await borrower.client.repay(borrower.address, loanId, PART);
    const t2 = await blockTime(borrower.client, part.tx.height);
    expect(t2).toBeGreaterThan(t1);
    const i1 = expectedInterest(AMOUNT, RATE, t2 - t1);
    expect(part).toMatchObject({ interestPaid: i1, principalPaid: PART - i1, remaining: AMOUNT - (PART - i1), closed: false });
    const outstanding = AMOUNT - (PART - i1);
    expect(await loan(loanId)).toMatchObject({ principalOutstanding: outstanding.toString(), interestPaid: i1.toString(), accruedThrough: t2 });
    expect(await amounts([lender, borrower])).toEqual([l0! - AMOUNT + PART, b0! + AMOUNT - COLLATERAL - PART, m0! + COLLATERAL]);

    const full = await borrower.client.repay(borrower.address, loanId, 'all');
    const t3 = await blockTime(borrower.client, full.tx.height);
    const i2 = expectedInterest(outstanding, RATE, t3 - t2);
    expect(full).toMatchObject({ interestPaid: i2, principalPaid: outstanding, remaining: 0n, closed: true });
    // The lender got principal and both interests; the borrower paid them and got its collateral back.
    expect(await amounts([lender, borrower])).toEqual([l0! + i1 + i2, b0! - i1 - i2, m0]);
    expect(await loan(loanId)).toMatchObject({ status: LoanStatus.LOAN_STATUS_REPAID, closedAt: t3, interestPaid: (i1 + i2).toString(), principalRepaid: AMOUNT.toString() });

    const { history, score } = await borrower.client.query.lending.creditHistory(borrower.address);
    expect(history).toMatchObject({ loansTaken: 1n, repaidOnTime: 1n, defaulted: 0n, amountBorrowed: AMOUNT.toString(), amountRepaid: (AMOUNT + i1 + i2).toString() });
    expect(score).toBe(550);
    expect((await borrower.client.query.lending.loansByBorrower(borrower.address)).loans.map((l) => l.id)).toEqual([loanId]);
    expect((await lender.client.query.lending.loansByLender(lender.address)).loans.map((l) => l.id)).toContain(loanId);
    const found = await lender.client.signing.searchTx([{ key: 'lending_loan_repaid.loan_id', value: loanId.toString() }]);
    expect(found.map((t) => t.height)).toEqual([full.tx.height]);
    const byBorrower = await lender.client.signing.searchTx([{ key: 'lending_loan_repayment.borrower', value: borrower.address }]);
    expect(byBorrower.map((t) => t.height).sort()).toEqual([part.tx.height, full.tx.height].sort());
  });

  it('defaults past the grace period: collateral to the lender up to what is owed, the rest back, history and score updated', async () => {
    const AMOUNT = 10_000_000_000n;
    const RATE = 10_000n; // 100 % a year
    const COLLATERAL = 15_000_000_000n;
    const [l0, d0, m0] = await amounts([lender2, defaulter]);
    const now = await chainTime(lender2.client);
    const { offerId } = await lender2.client.createOffer(lender2.address, {
      amount: AMOUNT,
      rateBps: Number(RATE),
      termSeconds: 3n,
      collateralRatioBps: 15_000,
      expiresAt: now + 300n,
    });
    const { loanId, tx } = await defaulter.client.takeOffer(defaulter.address, offerId, COLLATERAL);
    const started = await blockTime(defaulter.client, tx.height);
    const l = await loan(loanId);
    expect(l.graceEndsAt).toBe(started + 3n + 3n);

    await expect.poll(async () => (await loan(loanId)).status, { timeout: 30_000, interval: 500 }).toBe(LoanStatus.LOAN_STATUS_DEFAULTED);
    // Interest accrues up to the grace end: 6 s at 100 % on 10^10.
    const owed = AMOUNT + expectedInterest(AMOUNT, RATE, 6n);
    expect(owed).toBe(10_000_001_903n);
    const d = await loan(loanId);
    expect(d).toMatchObject({ owedAtDefault: owed.toString(), collateralToLender: owed.toString(), collateralReturned: (COLLATERAL - owed).toString() });
    expect(d.closedAt).toBeGreaterThan(d.graceEndsAt);
    expect(await amounts([lender2, defaulter])).toEqual([l0! - AMOUNT + owed, d0! + AMOUNT - owed, m0]);

    const { history, score } = await defaulter.client.query.lending.creditHistory(defaulter.address);
    expect(history).toMatchObject({ loansTaken: 1n, repaidOnTime: 0n, defaulted: 1n, amountBorrowed: AMOUNT.toString(), amountDefaulted: owed.toString() });
    expect(score).toBe(100);

    // The default happened in an end-block: block_search finds it.
    const comet = await connectComet(node.rpcUrl);
    try {
      const res = await comet.blockSearchAll({ query: `lending_loan_defaulted.loan_id='${loanId}'` });
      expect(res.blocks).toHaveLength(1);
      expect(await blockTime(lender.client, res.blocks[0]!.block.header.height)).toBe(d.closedAt);
    } finally {
      comet.disconnect();
    }
  });

  async function expectCode(p: Promise<unknown>, code: number, log: RegExp): Promise<void> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TxError);
    expect((err as TxError).code).toBe(code);
    expect((err as TxError).log).toMatch(log);
  }

  it('refuses an unsecured offer to a borrower under its minimum score, and accepts it once the score is reached', async () => {
    const now = await chainTime(lender.client);
    const { offerId } = await lender.client.createOffer(lender.address, {
      amount: 1_000_000_000n,
      rateBps: 1000,
      termSeconds: 600n,
      collateralRatioBps: 0,
      minCreditScore: 550,
      expiresAt: now + 600n,
    });
    expect((await newcomer.client.query.lending.creditHistory(newcomer.address)).score).toBe(500);
    const before = await amounts([lender, newcomer]);
    await expectCode(newcomer.client.takeOffer(newcomer.address, offerId, 0n), 8, /credit score 500 of cmt1\w+ is below offer \d+'s minimum 550/);
    expect(await amounts([lender, newcomer])).toEqual(before);
    expect((await newcomer.client.query.lending.offer(offerId)).offer?.status).toBe(OfferStatus.OFFER_STATUS_OPEN);

    // A small secured loan repaid on time lifts the score to 550.
    const small = await lender2.client.createOffer(lender2.address, { amount: 1_000_000n, rateBps: 1000, termSeconds: 600n, collateralRatioBps: 10_000, expiresAt: now + 600n });
    const { loanId: smallLoan } = await newcomer.client.takeOffer(newcomer.address, small.offerId, 1_000_000n);
    await newcomer.client.repay(newcomer.address, smallLoan, 'all');
    expect((await newcomer.client.query.lending.creditHistory(newcomer.address)).score).toBe(550);

    const [l0, n0, m0] = await amounts([lender, newcomer]);
    const { loanId } = await newcomer.client.takeOffer(newcomer.address, offerId, 0n);
    expect(await loan(loanId)).toMatchObject({ collateral: '0', principal: '1000000000', status: LoanStatus.LOAN_STATUS_ACTIVE });
    expect(await amounts([lender, newcomer])).toEqual([l0, n0! + 1_000_000_000n, m0! - 1_000_000_000n]);
  });

  it('refuses bad input with clear codes and moves nothing', async () => {
    const everyone = [lender, lender2, newcomer, stranger];
    const now = await chainTime(lender.client);
    // newcomer's unsecured loan from the previous test is active.
    const active = (await newcomer.client.query.lending.loansByBorrower(newcomer.address)).loans.find((l) => l.status === LoanStatus.LOAN_STATUS_ACTIVE);
    expect(active).toBeDefined();
    const loanId = active!.id;
    const before = await amounts(everyone);
    const loanBefore = await loan(loanId);

    await expectCode(stranger.client.repay(stranger.address, loanId, 1_000n), 6, new RegExp(`only the borrower of loan ${loanId} may repay it`));
    await expectCode(lender.client.repay(lender.address, loanId, 1_000n), 6, /only the borrower/);
    await expectCode(newcomer.client.repay(newcomer.address, loanId, 2_000_000_000n), 14, /repayment of 2000000000ucmt exceeds the \d+ucmt owed/);
    await expectCode(newcomer.client.repay(newcomer.address, 999_999n, 1n), 4, /loan 999999 does not exist/);
    expect(await amounts(everyone)).toEqual(before);
    expect(await loan(loanId)).toEqual(loanBefore);

    // An expired offer: its amount went back to the lender; it cannot be taken.
    const { offerId: expiring } = await lender2.client.createOffer(lender2.address, { amount: 1_000_000n, rateBps: 100, termSeconds: 60n, expiresAt: now + 4n });
    await expect.poll(async () => (await lender.client.query.lending.offer(expiring)).offer?.status, { timeout: 30_000, interval: 500 }).toBe(OfferStatus.OFFER_STATUS_EXPIRED);
    const afterExpiry = await amounts(everyone);
    expect(afterExpiry).toEqual(before);
    await expectCode(stranger.client.takeOffer(stranger.address, expiring, 0n), 7, new RegExp(`offer ${expiring} expired at`));

    // A cancelled offer.
    const { offerId: cancelled } = await lender2.client.createOffer(lender2.address, { amount: 1_000_000n, rateBps: 100, termSeconds: 60n, expiresAt: now + 600n });
    await lender2.client.cancelOffer(lender2.address, cancelled);
    expect(await amounts(everyone)).toEqual(before);
    await expectCode(stranger.client.takeOffer(stranger.address, cancelled, 0n), 5, new RegExp(`offer ${cancelled} is cancelled`));

    // Insufficient collateral: 5000 basis points of 1,000,000 is 500,000.
    const { offerId: secured } = await lender2.client.createOffer(lender2.address, { amount: 1_000_000n, rateBps: 100, termSeconds: 60n, collateralRatioBps: 5000, expiresAt: now + 600n });
    const withOffer = await amounts(everyone);
    await expectCode(stranger.client.takeOffer(stranger.address, secured, 499_999n), 9, /needs at least 500000ucmt of collateral/);
    expect(await amounts(everyone)).toEqual(withOffer);
    expect((await lender.client.query.lending.offer(secured)).offer?.status).toBe(OfferStatus.OFFER_STATUS_OPEN);
    await lender2.client.cancelOffer(lender2.address, secured);
    expect(await amounts(everyone)).toEqual(before);
    expect(node.logTail(10_000_000)).not.toContain('invariant broken');
  });
});
