// Reputation end to end through the typed client, against a real CometBFT devnet with a 10 s
// half-life: who may review (and who may not, with clear codes), scores that follow the README
// formula to the last ppm (value weighting, standing, repeat-review dampening, decay over block
// time), a lost dispute against the loser, a ruling for the arbiter and a missed ruling deadline
// against it. Expected values are recomputed here from the formula, with the chain's own block
// times; decayFactor and isqrt are the pinned ones of src/modules/reputation/math.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxError } from '../src/client/client.js';
import { CaseStatus, Outcome } from '../src/generated/cybermiles/arbitration/v1/arbitration.js';
import { OrderStatus } from '../src/generated/cybermiles/escrow/v1/escrow.js';
import { Role, Side, type Score } from '../src/generated/cybermiles/reputation/v1/reputation.js';
import { decayFactor, DECAY_ONE, isqrt } from '../src/modules/reputation/math.js';
import { chainTime, party, SHORT_WINDOWS, type Party } from './helpers/escrow.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';

const ONE = 1_000_000n;
const CMT = 1_000_000n;
const HALF_LIFE = 10n;
const P = {
  reviewWindowSeconds: 60n,
  maxValueWeight: 100n * ONE,
  minStanding: 200_000n,
  standingVolume: 10n * CMT,
  standingAgeSeconds: 1000n,
  priorWeight: ONE,
  lossPerCmt: ONE,
  penalty: 3n * ONE,
};
const PATCH = {
  ...SHORT_WINDOWS,
  reputation: {
    params: {
      reviewWindowSeconds: P.reviewWindowSeconds.toString(),
      halfLifeSeconds: HALF_LIFE.toString(),
      maxValueWeight: P.maxValueWeight.toString(),
      minStanding: P.minStanding.toString(),
      standingVolume: P.standingVolume.toString(),
      standingAgeSeconds: P.standingAgeSeconds.toString(),
      priorWeight: P.priorWeight.toString(),
      disputeLossWeightPerCmt: P.lossPerCmt.toString(),
      maxDisputeLossWeight: (1000n * ONE).toString(),
      penaltyMultiplier: P.penalty.toString(),
      maxTextLength: 256,
    },
  },
};

// ---- the README formula, written out again ----
const decay = (v: bigint, dt: bigint): bigint => (v * decayFactor(dt, HALF_LIFE)) / DECAY_ONE;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const valueWeight = (price: bigint): bigint => min(isqrt(price * ONE), P.maxValueWeight);
const bayes = (s: bigint, w: bigint): bigint => min(((s + (P.priorWeight * 2_500_000n) / ONE) * ONE) / (w + P.priorWeight), 5n * ONE);
interface Sums {
  s: bigint;
  w: bigint;
}
const sumsAt = (r: Score | undefined, now: bigint): Sums =>
  r === undefined ? { s: 0n, w: 0n } : { s: decay(BigInt(r.weightedSum), now - r.updatedAt), w: decay(BigInt(r.weightSum), now - r.updatedAt) };

describe('reputation', () => {
  let node: TestNode;
  let buyer: Party;
  let seller: Party;
  let stranger: Party;
  let arbiters: Party[];

  beforeAll(async () => {
    node = await startDevnetNode({ appStatePatch: PATCH });
    [buyer, seller, stranger] = await Promise.all([party(node.rpcUrl, 0), party(node.rpcUrl, 1), party(node.rpcUrl, 2)]);
    arbiters = await Promise.all([5, 6].map((i) => party(node.rpcUrl, i)));
    for (const a of arbiters) await a.client.registerArbiter(a.address, 5n * CMT);
  });

  afterAll(async () => {
    for (const p of [buyer, seller, stranger, ...(arbiters ?? [])]) p?.client.disconnect();
    await node?.destroy();
  });

  const q = () => buyer.client.query.reputation;
  const record = async (address: string, role: Role): Promise<Score | undefined> =>
    (await q().scores(address)).scores.find((s) => s.role === role)?.record;

  async function refused(p: Promise<unknown>, code: number, log: RegExp): Promise<void> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TxError);
    expect((err as TxError).code).toBe(code);
    expect((err as TxError).log).toMatch(log);
  }

  async function accepted(price: bigint): Promise<bigint> {
    const now = await chainTime(buyer.client);
    const { orderId } = await buyer.client.createOrder(buyer.address, {
      seller: seller.address,
      price,
      deposit: price / 10n,
      deliveryDeadline: now + 120n,
      disputeWindowSeconds: 60n,
    });
    await seller.client.acceptOrder(seller.address, orderId, price / 10n);
    return orderId;
  }

  async function completed(price: bigint): Promise<bigint> {
    const id = await accepted(price);
    await seller.client.shipOrder(seller.address, id);
    await buyer.client.confirmReceipt(buyer.address, id);
    return id;
  }

  /**
   * What a review by `reviewer` of an order of `price`, written at block time `at` as its k-th
   * review of that account, must weigh: vw(price) × standing / k (README "Reputation").
   */
  async function expectedReviewWeight(reviewer: string, price: bigint, at: bigint, k: bigint): Promise<bigint> {
    const { trader, scores } = await q().scores(reviewer);
    let s = 0n;
    let w = 0n;
    for (const r of scores.filter((x) => x.role === Role.ROLE_SELLER || x.role === Role.ROLE_BUYER)) {
      const d = sumsAt(r.record, at);
      s += d.s;
      w += d.w;
    }
    const own = ONE / 2n + bayes(s, w) / 10n;
    const fv = min(ONE, (BigInt(trader?.volume ?? '0') * ONE) / P.standingVolume);
    const fa = min(ONE, ((at - (trader?.firstTradeAt ?? at)) * ONE) / P.standingAgeSeconds);
    const base = P.minStanding + ((ONE - P.minStanding) * ((fv + fa) / 2n)) / ONE;
    const standing = (base * own) / ONE;
    return (valueWeight(price) * standing) / ONE / k;
  }

  it('counts a review after completion; refuses one before it, by a stranger, or a second by the same side', async () => {
    const id = await accepted(4n * CMT);
    await seller.client.shipOrder(seller.address, id);
    await refused(buyer.client.submitReview(buyer.address, id, { itemAsDescribed: 5, shipping: 5, communication: 5 }), 3, /is shipped; it can be reviewed once completed/);
    await buyer.client.confirmReceipt(buyer.address, id);
    await refused(stranger.client.submitReview(stranger.address, id, { itemAsDescribed: 1, shipping: 1, communication: 1 }), 4, /neither the buyer nor the seller/);
    await refused(buyer.client.submitReview(buyer.address, id, { itemAsDescribed: 5, shipping: 0, communication: 5 }), 7, /ratings.shipping must be 1 to 5/);
    expect(await record(seller.address, Role.ROLE_SELLER)).toBeUndefined();

    const res = await buyer.client.submitReview(buyer.address, id, { itemAsDescribed: 5, shipping: 4, communication: 4 }, { uri: 'ipfs://great-seller' });
    const { review } = await q().review(id, Side.SIDE_BUYER);
    expect(review).toMatchObject({ reviewer: buyer.address, reviewed: seller.address, role: Role.ROLE_SELLER, rating: 4_333_333n, textUri: 'ipfs://great-seller' });
    expect(res.weight).toBe(review?.weight);
    const rec = await record(seller.address, Role.ROLE_SELLER);
    expect(rec).toMatchObject({ reviews: 1n, weightSum: res.weight.toString(), weightedSum: ((res.weight * 4_333_333n) / ONE).toString(), updatedAt: review?.createdAt });

    await refused(buyer.client.submitReview(buyer.address, id, { itemAsDescribed: 1, shipping: 1, communication: 1 }), 5, /the buyer already reviewed order/);
    expect(await record(seller.address, Role.ROLE_SELLER)).toEqual(rec);
    // The seller may answer once; and it may review the buyer once.
    await seller.client.replyToReview(seller.address, id, { uri: 'ipfs://thanks' });
    await refused(seller.client.replyToReview(seller.address, id), 10, /already replied/);
    await seller.client.submitReview(seller.address, id, { conduct: 5, communication: 5 });
    expect((await q().reviewsOf(buyer.address, Role.ROLE_BUYER)).reviews.map((r) => r.orderId)).toEqual([id]);
    const found = await buyer.client.signing.searchTx([{ key: 'reputation_review_submitted.reviewed', value: seller.address }]);
    expect(found.length).toBeGreaterThanOrEqual(1);
  });

  it('weighs reviews by order value and reviewer standing, dampens repeats, and decays with block time, exactly', async () => {
    const small = await completed(1n * CMT);
    const big = await completed(16n * CMT);
    for (const [id, price, stars, rating] of [
      [small, 1n * CMT, 2, 2n * ONE],
      [big, 16n * CMT, 5, 5n * ONE],
    ] as const) {
      const before = await record(seller.address, Role.ROLE_SELLER);
      const k = 1n + BigInt((await q().reviewsOf(seller.address, Role.ROLE_SELLER)).reviews.filter((r) => r.reviewer === buyer.address).length);
      const res = await buyer.client.submitReview(buyer.address, id, { itemAsDescribed: stars, shipping: stars, communication: stars });
      const { review } = await q().review(id, Side.SIDE_BUYER);
      const at = review?.createdAt ?? 0n;
      // Nothing else touched the buyer's records between the query and the review.
      expect(res.weight).toBe(await expectedReviewWeight(buyer.address, price, at, k));
      const after = await record(seller.address, Role.ROLE_SELLER);
      const d = sumsAt(before, at);
      expect(after).toMatchObject({ weightedSum: (d.s + (res.weight * rating) / ONE).toString(), weightSum: (d.w + res.weight).toString(), updatedAt: at });
    }
    // Reading later decays the sums by 2^(-dt/10 s) to the latest block time; the record stays.
    const rec = await record(seller.address, Role.ROLE_SELLER);
    await expect.poll(() => chainTime(buyer.client), { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual((rec?.updatedAt ?? 0n) + HALF_LIFE);
    const view = await q().score(seller.address, Role.ROLE_SELLER);
    const d = sumsAt(rec, view.asOf);
    expect(view.asOf - (rec?.updatedAt ?? 0n)).toBeGreaterThanOrEqual(HALF_LIFE);
    expect(BigInt(view.score?.weight ?? '-1')).toBe(d.w);
    expect(d.w * 2n).toBeLessThanOrEqual(BigInt(rec?.weightSum ?? '0')); // at least halved
    expect(view.score?.score).toBe(bayes(d.s, d.w));
    expect(view.score?.record).toEqual(rec);
  });

  it('counts a lost dispute against the loser, a ruling for the arbiter, and a missed ruling deadline against it', async () => {
    const arbiterParty = (address: string): Party => {
      const a = arbiters.find((p) => p.address === address);
      if (a === undefined) throw new Error(`${address} is not an arbiter of this test`);
      return a;
    };
    // Both sides accept the drawn arbiter (or the 10 s acceptance window runs out first: silence
    // accepts too); the case is then active.
    const accept = async (caseId: bigint): Promise<void> => {
      for (const p of [buyer, seller]) await p.client.respondToArbiter(p.address, caseId, true).catch((e: unknown) => expect((e as TxError).code).toBe(7));
      await expect
        .poll(async () => (await buyer.client.query.arbitration.case(caseId)).case?.status, { timeout: 30_000, interval: 300 })
        .toBe(CaseStatus.CASE_STATUS_ACTIVE);
    };
    const activeCase = async (price: bigint): Promise<{ orderId: bigint; caseId: bigint; arbiter: string }> => {
      const orderId = await accepted(price);
      const { caseId, arbiter } = await buyer.client.raiseDispute(buyer.address, orderId, 'never arrived');
      await accept(caseId);
      return { orderId, caseId, arbiter };
    };

    // The buyer wins: the seller lost all of a 4 CMT order, weight 4 × 1.0 = 4.0, rated 0.
    const won = await activeCase(4n * CMT);
    const sellerBefore = await record(seller.address, Role.ROLE_SELLER);
    const arbiterBefore = await record(won.arbiter, Role.ROLE_ARBITER);
    const buyerBefore = await record(buyer.address, Role.ROLE_BUYER);
    await arbiterParty(won.arbiter).client.rule(won.arbiter, won.caseId, Outcome.OUTCOME_BUYER_WINS);
    expect((await buyer.client.query.escrow.order(won.orderId)).order?.status).toBe(OrderStatus.ORDER_STATUS_RESOLVED);
    const sellerAfter = await record(seller.address, Role.ROLE_SELLER);
    const at = sellerAfter?.updatedAt ?? 0n;
    const ds = sumsAt(sellerBefore, at);
    expect(sellerAfter).toMatchObject({
      weightedSum: ds.s.toString(),
      weightSum: (ds.w + 4n * ONE).toString(),
      negativeEvents: (sellerBefore?.negativeEvents ?? 0n) + 1n,
    });
    expect(await record(buyer.address, Role.ROLE_BUYER)).toEqual(buyerBefore); // the winner: no event
    const da = sumsAt(arbiterBefore, at);
    expect(await record(won.arbiter, Role.ROLE_ARBITER)).toMatchObject({
      weightedSum: (da.s + 2n * ONE * 5n).toString(), // vw(4 CMT) = 2.0, rated 5
      weightSum: (da.w + 2n * ONE).toString(),
      positiveEvents: (arbiterBefore?.positiveEvents ?? 0n) + 1n,
      updatedAt: at,
    });
    const { trader } = await q().scores(seller.address);
    expect(trader?.disputesLost).toBe(1n);

    // The next arbiter lets the ruling deadline (10 s) pass: a miss weighs vw(4 CMT) × 3 = 6.0, rated 0.
    const late = await activeCase(4n * CMT);
    const lateBefore = await record(late.arbiter, Role.ROLE_ARBITER);
    await expect
      .poll(async () => (await buyer.client.query.arbitration.case(late.caseId)).case?.draws, { timeout: 30_000, interval: 500 })
      .toBe(2);
    const lateAfter = await record(late.arbiter, Role.ROLE_ARBITER);
    const dl = sumsAt(lateBefore, lateAfter?.updatedAt ?? 0n);
    expect(lateAfter).toMatchObject({
      weightedSum: dl.s.toString(),
      weightSum: (dl.w + 6n * ONE).toString(),
      negativeEvents: (lateBefore?.negativeEvents ?? 0n) + 1n,
    });
    expect((await buyer.client.query.arbitration.arbiter(late.arbiter)).arbiter?.missedDeadlines).toBe(1n);
    const blocks = await buyer.client.signing.searchTx([{ key: 'reputation_score_changed.account', value: seller.address }]);
    expect(blocks.length).toBeGreaterThanOrEqual(1);

    // The case goes to the other arbiter (its acceptance by silence), which rules for the seller.
    const c = (await buyer.client.query.arbitration.case(late.caseId)).case;
    expect(c?.arbiter).not.toBe(late.arbiter);
    await accept(late.caseId);
    const buyerBeforeLoss = await record(buyer.address, Role.ROLE_BUYER);
    await arbiterParty(c?.arbiter ?? '').client.rule(c?.arbiter ?? '', late.caseId, Outcome.OUTCOME_SELLER_WINS);
    const buyerAfterLoss = await record(buyer.address, Role.ROLE_BUYER);
    const db = sumsAt(buyerBeforeLoss, buyerAfterLoss?.updatedAt ?? 0n);
    expect(buyerAfterLoss).toMatchObject({ weightedSum: db.s.toString(), weightSum: (db.w + 4n * ONE).toString() });

    // The late arbiter's score is below the neutral 2.5, the other's above: the draw weighs them so
    // (bond × (0.5 + score/5), unit-tested in src/modules/reputation).
    const lateScore = (await q().score(late.arbiter, Role.ROLE_ARBITER)).score?.score ?? 0n;
    const goodScore = (await q().score(c?.arbiter ?? '', Role.ROLE_ARBITER)).score?.score ?? 0n;
    expect(lateScore).toBeLessThan(2_500_000n);
    expect(goodScore).toBeGreaterThan(2_500_000n);
    expect(node.logTail(10_000_000)).not.toContain('invariant broken');
  });
});
