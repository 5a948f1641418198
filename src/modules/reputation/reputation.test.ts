// reputation through ABCI, in process, with block times the test picks: who may review what and
// when, the score formula to the last ppm (values from an independent Python reference of the
// README formula), decay, lost disputes, arbiters' rulings and missed deadlines, the draw
// weighting, queries, events, bad input that changes nothing, and the invariants.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { CaseStatus, Outcome } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import { OrderStatus } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { MsgCreateOrderResponse, MsgRaiseDisputeResponse } from '../../generated/cybermiles/escrow/v1/tx.js';
import { QueryReviewResponse, QueryReviewsOfResponse, QueryScoresResponse } from '../../generated/cybermiles/reputation/v1/query.js';
import { Role, Side, type Params } from '../../generated/cybermiles/reputation/v1/reputation.js';
import { MsgSubmitReviewResponse } from '../../generated/cybermiles/reputation/v1/tx.js';
import { decodeQuery, msg, msgResponse, TestChain, type ChainOptions } from '../../testing/chain-fixture.js';
import { BUYER_STARS, repMsg, repQueries, scoreView, SELLER_STARS } from '../../testing/reputation-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { compareBytes } from '../../util/bytes.js';
import { drawSeed, weightedPick } from '../arbitration/draw.js';
import { parseAddress } from '../auth/address.js';
import { reputationInvariants } from './invariants.js';
import { ONE } from './math.js';

const REP_PARAMS: Params = {
  reviewWindowSeconds: 1000n,
  halfLifeSeconds: 100n,
  maxValueWeight: 100n * ONE,
  minStanding: 200_000n,
  standingVolume: '10000000', // 10 CMT
  standingAgeSeconds: 1000n,
  priorWeight: ONE,
  disputeLossWeightPerCmt: ONE, // 1.0 per CMT
  maxDisputeLossWeight: 1000n * ONE,
  penaltyMultiplier: 3n * ONE,
  maxTextLength: 64,
};
const ARB_PARAMS = { minBond: '1000', unbondingSeconds: 2_000n, acceptanceSeconds: 500n, rulingSeconds: 1_000n, maxRejections: 2 };
const CMT = 1_000_000n;
const BUYER = 0;
const SELLER = 1;
const STRANGER = 2;
const ARB_A = 3;
const ARB_B = 4;

let w: TestWallet;
let c: TestChain;
const addr = (i: number): string => w.at(i).address;

beforeAll(async () => {
  w = await createTestWallet(6);
});

async function start(opts: ChainOptions = {}): Promise<void> {
  c = await TestChain.start(w, { reputationParams: REP_PARAMS, arbitrationParams: ARB_PARAMS, ...opts });
}

afterEach(async () => {
  for (const inv of reputationInvariants(c.keepers.reputation)) expect(await inv.check(c.store), inv.name).toBeUndefined();
  await c.close();
});

function expectCode(r: ExecTxResult, codespace: string, code: number, log?: RegExp): void {
  expect({ codespace: r.codespace, code: r.code }, r.log).toEqual({ codespace, code });
  if (log !== undefined) expect(r.log).toMatch(log);
}

function attrs(r: { events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[] }, type: string): Record<string, string>[] {
  return r.events.filter((e) => e.type === type).map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

async function open(price: bigint, b = BUYER, s = SELLER): Promise<bigint> {
  const deposit = price / 10n;
  const r = await c.ok(
    b,
    msg.createOrder({
      buyer: addr(b),
      seller: addr(s),
      price: price.toString(),
      deposit: deposit.toString(),
      itemUri: 'ipfs://item',
      deliveryDeadline: c.now + 10_000n,
      disputeWindowSeconds: 1_000n,
    }),
  );
  const id = msgResponse(r, MsgCreateOrderResponse).orderId;
  await c.ok(s, msg.accept(addr(s), id, deposit));
  return id;
}

/** Opened, accepted, shipped and confirmed: four blocks, the last at the returned close time. */
async function completed(price: bigint, b = BUYER, s = SELLER): Promise<{ id: bigint; closedAt: bigint }> {
  const id = await open(price, b, s);
  await c.ok(s, msg.ship(addr(s), id));
  await c.ok(b, msg.confirm(addr(b), id));
  expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_COMPLETED);
  return { id, closedAt: c.now };
}

async function reputationState(): Promise<unknown> {
  return (await c.exportAppState())['reputation'];
}

describe('who may review what', () => {
  it('takes a review after completion, and refuses one before it, by a stranger, or a second by the same side', async () => {
    await start();
    const id = await open(4n * CMT);
    await c.ok(SELLER, msg.ship(addr(SELLER), id));
    const before = await reputationState();
    expectCode(await c.exec(BUYER, repMsg.review(addr(BUYER), id, SELLER_STARS)), 'reputation', 3, /order 1 is shipped; it can be reviewed once completed, settled or resolved/);
    await c.ok(BUYER, msg.confirm(addr(BUYER), id));
    expectCode(await c.exec(STRANGER, repMsg.review(addr(STRANGER), id, SELLER_STARS)), 'reputation', 4, /neither the buyer nor the seller of order 1/);
    expectCode(await c.exec(BUYER, repMsg.review(addr(BUYER), 99n, SELLER_STARS)), 'reputation', 2, /order 99 does not exist/);
    const r = await c.ok(BUYER, repMsg.review(addr(BUYER), id, SELLER_STARS));
    expect(msgResponse(r, MsgSubmitReviewResponse)).toMatchObject({ role: Role.ROLE_SELLER, rating: 5n * ONE });
    const after = await reputationState();
    expectCode(await c.exec(BUYER, repMsg.review(addr(BUYER), id, SELLER_STARS)), 'reputation', 5, /the buyer already reviewed order 1/);
    expect(await reputationState()).toEqual(after);
    expect(after).not.toEqual(before);
    // The other side still may, once.
    await c.ok(SELLER, repMsg.review(addr(SELLER), id, BUYER_STARS));
    expectCode(await c.exec(SELLER, repMsg.review(addr(SELLER), id, BUYER_STARS)), 'reputation', 5, /the seller already reviewed/);
  });

  it('refuses bad ratings and long texts with clear codes, and changes nothing', async () => {
    await start();
    const { id } = await completed(4n * CMT);
    const before = await reputationState();
    const bad: [number, ReturnType<typeof repMsg.review>, number, RegExp][] = [
      [BUYER, repMsg.review(addr(BUYER), id, { ...SELLER_STARS, shipping: 0 }), 7, /ratings.shipping must be 1 to 5 in a review of a seller, got 0/],
      [BUYER, repMsg.review(addr(BUYER), id, { ...SELLER_STARS, communication: 6 }), 7, /ratings.communication must be 1 to 5/],
      [BUYER, repMsg.review(addr(BUYER), id, { ...SELLER_STARS, conduct: 3 }), 7, /ratings.conduct is not rated in a review of a seller; leave it 0/],
      [SELLER, repMsg.review(addr(SELLER), id, { ...BUYER_STARS, itemAsDescribed: 4 }), 7, /ratings.item_as_described is not rated in a review of a buyer/],
      [SELLER, repMsg.review(addr(SELLER), id, {}), 7, /ratings.conduct must be 1 to 5/],
      [BUYER, repMsg.review(addr(BUYER), id, SELLER_STARS, 'x'.repeat(65)), 8, /text_uri is longer than 64 bytes/],
      [BUYER, repMsg.review(addr(BUYER), id, SELLER_STARS, 'ipfs://r', new Uint8Array(65)), 8, /text_hash is longer than 64 bytes/],
      [BUYER, repMsg.reply(addr(BUYER), id), 9, /order 1 has no review of/],
      [STRANGER, repMsg.reply(addr(STRANGER), id), 4, /neither the buyer nor the seller/],
    ];
    for (const [signer, m, code, log] of bad) expectCode(await c.exec(signer, m), 'reputation', code, log);
    // A bad address is caught before the keeper.
    expectCode(await c.exec(BUYER, repMsg.review('cmt1nope', id, SELLER_STARS)), 'sdk', 7);
    expect(await reputationState()).toEqual(before);
  });

  it('closes the window: reviews until closed_at + review_window, replies until created_at + review_window', async () => {
    await start();
    const a = await completed(1n * CMT);
    const b = await completed(1n * CMT);
    // The last second of order a's window still counts; one later does not.
    await c.ok(BUYER, repMsg.review(addr(BUYER), a.id, SELLER_STARS), { time: a.closedAt + 1000n });
    expectCode(await c.exec(BUYER, repMsg.review(addr(BUYER), b.id, SELLER_STARS), { time: b.closedAt + 1001n }), 'reputation', 6, /could be reviewed until/);
    expectCode(await c.exec(SELLER, repMsg.review(addr(SELLER), a.id, BUYER_STARS)), 'reputation', 6);
    // The seller answers the buyer's review of order a, once, within the window after the review.
    const reviewedAt = a.closedAt + 1000n;
    const r = await c.ok(SELLER, repMsg.reply(addr(SELLER), a.id, 'ipfs://my-side'), { time: reviewedAt + 1000n });
    expect(attrs(r, 'reputation_review_replied')[0]).toMatchObject({ order_id: a.id.toString(), reviewer: addr(BUYER), reviewed: addr(SELLER), role: 'seller' });
    expectCode(await c.exec(SELLER, repMsg.reply(addr(SELLER), a.id)), 'reputation', 10, /already replied/);
    const review = decodeQuery(await repQueries.review(c, a.id, Side.SIDE_BUYER), QueryReviewResponse).review;
    expect(review?.reply).toMatchObject({ textUri: 'ipfs://my-side', createdAt: reviewedAt + 1000n });
    // There is no message to remove a review: the reviewed side can only answer.
    expect(review?.textUri).toBe('ipfs://review');
  });

  it('reviews settled and auto-released orders too', async () => {
    await start();
    const settled = await open(2n * CMT);
    await c.ok(BUYER, msg.propose(addr(BUYER), settled, CMT));
    await c.ok(SELLER, msg.acceptSettlement(addr(SELLER), settled, CMT));
    await c.ok(BUYER, repMsg.review(addr(BUYER), settled, SELLER_STARS));
    const released = await open(2n * CMT);
    await c.ok(SELLER, msg.ship(addr(SELLER), released));
    await c.block([], { time: c.now + 1000n }); // the dispute window passes: released in end-block
    expect(c.order(released).status).toBe(OrderStatus.ORDER_STATUS_COMPLETED);
    await c.ok(SELLER, repMsg.review(addr(SELLER), released, BUYER_STARS));
    expect(c.keepers.reputation.getTrader(c.store, addr(BUYER))).toMatchObject({ deals: 2n, volume: (4n * CMT).toString() });
  });
});

describe('the score formula', () => {
  it('weighs reviews by value and standing, decays by half-life, and dampens repeat reviews', async () => {
    await start();
    const { id: first, closedAt: t } = await completed(4n * CMT);
    expect(c.keepers.reputation.getTrader(c.store, addr(BUYER))).toMatchObject({ deals: 1n, volume: '4000000', firstTradeAt: t });

    // The buyer reviews the seller one second after closing: stars 5, 4, 4 -> 4.333333.
    // vw(4 CMT) = 2.0; standing: volume 4/10 -> 0.4, age 1/1000 -> 0.001, activity 0.2005,
    // base 0.2 + 0.8 × 0.2005 = 0.3604, own score 2.5 (none) -> 0.75: 0.2703; weight 0.5406.
    const r1 = await c.ok(BUYER, repMsg.review(addr(BUYER), first, { itemAsDescribed: 5, shipping: 4, communication: 4 }), { time: t + 1n });
    expect(msgResponse(r1, MsgSubmitReviewResponse)).toEqual({ role: Role.ROLE_SELLER, rating: 4_333_333n, weight: 540_600n });
    expect(c.keepers.reputation.getScore(c.store, addr(SELLER), Role.ROLE_SELLER)).toMatchObject({
      weightedSum: '2342599',
      weightSum: '540600',
      updatedAt: t + 1n,
      reviews: 1n,
      ratingSum: '4333333',
    });
    expect((await scoreView(c, addr(SELLER), Role.ROLE_SELLER)).score).toBe(3_143_320n);
    expect(attrs(r1, 'reputation_review_submitted')[0]).toMatchObject({
      order_id: first.toString(),
      reviewer: addr(BUYER),
      reviewed: addr(SELLER),
      role: 'seller',
      side: 'buyer',
      rating: '4333333',
      weight: '540600',
    });
    expect(attrs(r1, 'reputation_score_changed')[0]).toEqual({
      account: addr(SELLER),
      role: 'seller',
      reason: 'review',
      order_id: first.toString(),
      rating: '4333333',
      weight: '540600',
      score: '3143320',
    });

    // The seller reviews the buyer a second later: its own score (decayed 1 s) is 3.140430.
    const r2 = await c.ok(SELLER, repMsg.review(addr(SELLER), first, { conduct: 5, communication: 4 }), { time: t + 2n });
    expect(msgResponse(r2, MsgSubmitReviewResponse)).toEqual({ role: Role.ROLE_BUYER, rating: 4_500_000n, weight: 587_412n });
    expect(c.keepers.reputation.standingOf(c.store, addr(SELLER), t + 2n)).toBe(293_706n);
    expect(c.keepers.reputation.getScore(c.store, addr(BUYER), Role.ROLE_BUYER)).toMatchObject({ weightedSum: '2643354', weightSum: '587412' });

    // A second order (9 CMT) between the same pair; the buyer reviews it exactly one half-life
    // after its first review: the seller's sums halve, and the new review is the pair's second (÷2).
    const { id: second } = await completed(9n * CMT);
    const r3 = await c.ok(BUYER, repMsg.review(addr(BUYER), second, { itemAsDescribed: 3, shipping: 3, communication: 3 }), { time: t + 101n });
    expect(msgResponse(r3, MsgSubmitReviewResponse)).toEqual({ role: Role.ROLE_SELLER, rating: 3n * ONE, weight: 764_299n });
    expect(attrs(r3, 'reputation_review_submitted')[0]).toMatchObject({ ordinal: '2' });
    expect(c.keepers.reputation.getScore(c.store, addr(SELLER), Role.ROLE_SELLER)).toMatchObject({
      weightedSum: (2_342_599n / 2n + (764_299n * 3n * ONE) / ONE).toString(), // 3464196
      weightSum: (540_600n / 2n + 764_299n).toString(), // 1034599
      updatedAt: t + 101n,
      reviews: 2n,
    });
    const v = await scoreView(c, addr(SELLER), Role.ROLE_SELLER);
    expect(v).toMatchObject({ score: 2_931_386n, recentAverage: 3_348_346n, allTimeAverage: 3_666_666n, weight: '1034599', reviews: 2n });

    // Reads decay lazily to the latest block time: 200 s later both sums are a quarter; the
    // stored record is untouched.
    await c.block([], { time: t + 301n });
    const later = await scoreView(c, addr(SELLER), Role.ROLE_SELLER);
    expect(later.weight).toBe((1_034_599n / 4n).toString());
    expect(later.record?.weightSum).toBe('1034599');
    expect(later.score).toBe(((3_464_196n / 4n + 2_500_000n) * ONE) / (1_034_599n / 4n + ONE));
  });
});

describe('disputes and arbiters', () => {
  async function disputed(price: bigint): Promise<{ orderId: bigint; caseId: bigint; arbiter: string }> {
    const orderId = await open(price);
    const r = await c.ok(BUYER, msg.dispute(addr(BUYER), orderId));
    const res = msgResponse(r, MsgRaiseDisputeResponse);
    await c.ok(BUYER, msg.respond(addr(BUYER), res.caseId, true));
    await c.ok(SELLER, msg.respond(addr(SELLER), res.caseId, true));
    expect(c.case(res.caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
    return { orderId, ...res };
  }

  it('counts a lost dispute against the loser in proportion to the order value and share lost; the ruling counts for the arbiter', async () => {
    await start();
    await c.ok(ARB_A, msg.register(addr(ARB_A), 1000n));
    const { orderId, caseId, arbiter } = await disputed(4n * CMT);
    expect(arbiter).toBe(addr(ARB_A));
    const r = await c.ok(ARB_A, msg.rule(addr(ARB_A), caseId, Outcome.OUTCOME_BUYER_WINS));
    // The seller lost all of a 4 CMT order: weight 4 × 1.0 per CMT = 4.0, rated 0. Score (0 + 2.5) / 5 = 0.5.
    expect(c.keepers.reputation.getScore(c.store, addr(SELLER), Role.ROLE_SELLER)).toMatchObject({ weightedSum: '0', weightSum: '4000000', negativeEvents: 1n });
    expect(c.keepers.reputation.getScore(c.store, addr(BUYER), Role.ROLE_BUYER)).toBeUndefined();
    expect((await scoreView(c, addr(SELLER), Role.ROLE_SELLER)).score).toBe(500_000n);
    expect(c.keepers.reputation.getTrader(c.store, addr(SELLER))).toMatchObject({ deals: 1n, disputesLost: 1n, disputesWon: 0n });
    expect(c.keepers.reputation.getTrader(c.store, addr(BUYER))).toMatchObject({ deals: 1n, disputesLost: 0n, disputesWon: 1n });
    // The arbiter: a ruling rated 5 with weight vw(4 CMT) = 2.0: (10 + 2.5) / 3 = 4.166666.
    expect(c.keepers.reputation.getScore(c.store, addr(ARB_A), Role.ROLE_ARBITER)).toMatchObject({ weightedSum: '10000000', weightSum: '2000000', positiveEvents: 1n });
    expect((await scoreView(c, addr(ARB_A), Role.ROLE_ARBITER)).score).toBe(4_166_666n);
    // Its draw weight: bond × (0.5 + 4.166666 / 5) = 1000 × 1.333333.
    expect(c.keepers.reputation.arbiterWeight(c.store, addr(ARB_A), 1000n, c.now)).toBe(1333n);
    const changes = attrs(r, 'reputation_score_changed');
    expect(changes.map((e) => [e['account'], e['role'], e['reason'], e['weight']])).toEqual([
      [addr(SELLER), 'seller', 'dispute_lost', '4000000'],
      [addr(ARB_A), 'arbiter', 'case_ruled', '2000000'],
    ]);
    expect(changes[0]).toMatchObject({ order_id: orderId.toString(), case_id: caseId.toString(), score: '500000' });
    // A resolved order can be reviewed.
    await c.ok(BUYER, repMsg.review(addr(BUYER), orderId, { itemAsDescribed: 1, shipping: 1, communication: 2 }));
  });

  it('splits the loss by share in a split ruling', async () => {
    await start();
    await c.ok(ARB_A, msg.register(addr(ARB_A), 1000n));
    const { caseId } = await disputed(4n * CMT);
    await c.ok(ARB_A, msg.rule(addr(ARB_A), caseId, Outcome.OUTCOME_SPLIT, CMT));
    // The seller got 1 of 4 CMT (lost 3/4 of 4.0), the buyer paid 1 (lost 1/4).
    expect(c.keepers.reputation.getScore(c.store, addr(SELLER), Role.ROLE_SELLER)).toMatchObject({ weightSum: '3000000', negativeEvents: 1n });
    expect(c.keepers.reputation.getScore(c.store, addr(BUYER), Role.ROLE_BUYER)).toMatchObject({ weightSum: '1000000', negativeEvents: 1n });
    expect(c.keepers.reputation.getTrader(c.store, addr(BUYER))).toMatchObject({ disputesLost: 1n });
    expect(c.keepers.reputation.getTrader(c.store, addr(SELLER))).toMatchObject({ disputesLost: 1n });
  });

  it('counts a missed ruling deadline against the arbiter, and the draw then weighs it less', async () => {
    await start();
    await c.ok(ARB_A, msg.register(addr(ARB_A), 1000n));
    const first = await disputed(4n * CMT);
    expect(first.arbiter).toBe(addr(ARB_A));
    await c.ok(ARB_B, msg.register(addr(ARB_B), 1000n));
    const missedAt = c.now + 1000n;
    const res = await c.block([], { time: missedAt });
    expect(c.case(first.caseId)).toMatchObject({ draws: 2, arbiter: addr(ARB_B) });
    // A miss weighs vw(4 CMT) × 3 = 6.0, rated 0: score 2.5 / 7 = 0.357142; draw factor 0.571428.
    expect(c.keepers.reputation.getScore(c.store, addr(ARB_A), Role.ROLE_ARBITER)).toMatchObject({ weightedSum: '0', weightSum: '6000000', negativeEvents: 1n, updatedAt: missedAt });
    expect(c.keepers.reputation.scoreOf(c.store, addr(ARB_A), Role.ROLE_ARBITER, missedAt)).toBe(357_142n);
    expect(c.keepers.reputation.arbiterWeight(c.store, addr(ARB_A), 1000n, missedAt)).toBe(571n);
    expect(c.keepers.reputation.arbiterWeight(c.store, addr(ARB_B), 1000n, missedAt)).toBe(1000n);
    expect(attrs(res, 'reputation_score_changed')[0]).toMatchObject({ account: addr(ARB_A), role: 'arbiter', reason: 'deadline_missed', weight: '6000000', case_id: first.caseId.toString() });
    // Arbitration's own record agrees.
    expect(c.arbiter(addr(ARB_A))).toMatchObject({ missedDeadlines: 1n });

    // Top A's bond back up (the penalty took 100 of it), then draw for new disputes: each pick is
    // the weighted draw over bond × reputation factor, in address order.
    await c.ok(ARB_A, msg.register(addr(ARB_A), 100n));
    await c.ok(BUYER, msg.respond(addr(BUYER), first.caseId, true));
    await c.ok(SELLER, msg.respond(addr(SELLER), first.caseId, true));
    await c.ok(ARB_B, msg.rule(addr(ARB_B), first.caseId, Outcome.OUTCOME_SELLER_WINS));
    expect(c.keepers.reputation.arbiterWeight(c.store, addr(ARB_A), 1000n, c.now)).toBeLessThan(1000n);
    expect(c.keepers.reputation.arbiterWeight(c.store, addr(ARB_B), 1000n, c.now)).toBeGreaterThan(1000n);
    for (let i = 0; i < 6; i++) {
      const orderId = await open(CMT, 5, STRANGER);
      const time = c.now + 1n;
      const pool = [ARB_A, ARB_B]
        .map((i) => addr(i))
        .sort((x, y) => compareBytes(parseAddress(x), parseAddress(y)))
        .map((a) => ({ address: a, weight: c.keepers.reputation.arbiterWeight(c.store, a, BigInt(c.arbiter(a)?.bond ?? '0'), time) }));
      const hash = new Uint8Array(32).fill(i + 1);
      const caseId = c.keepers.arbitration.nextCaseId(c.store);
      const r = await c.ok(5, msg.dispute(addr(5), orderId), { time, hash });
      expect(msgResponse(r, MsgRaiseDisputeResponse).arbiter).toBe(weightedPick(pool, drawSeed(hash, caseId, 1)));
      const drawn = msgResponse(r, MsgRaiseDisputeResponse).arbiter;
      await c.ok(5, msg.respond(addr(5), caseId, true));
      await c.ok(STRANGER, msg.respond(addr(STRANGER), caseId, true));
      await c.ok(drawn === addr(ARB_A) ? ARB_A : ARB_B, msg.rule(drawn, caseId, Outcome.OUTCOME_BUYER_WINS));
    }
  });
});

describe('queries', () => {
  it('answers scores in every role, reviews of an account by role (paginated), and a review by order and side', async () => {
    await start();
    const orders: bigint[] = [];
    for (let i = 0; i < 3; i++) orders.push((await completed(CMT)).id);
    for (const id of orders) await c.ok(BUYER, repMsg.review(addr(BUYER), id, SELLER_STARS));
    // The buyer also sells once to the seller, and is reviewed as a seller.
    const reverse = await completed(CMT, SELLER, BUYER);
    await c.ok(SELLER, repMsg.review(addr(SELLER), reverse.id, SELLER_STARS));
    await c.ok(BUYER, repMsg.reply(addr(BUYER), reverse.id));

    const all = decodeQuery(await repQueries.scores(c, addr(SELLER)), QueryScoresResponse);
    expect(all.scores.map((s) => s.role)).toEqual([Role.ROLE_SELLER, Role.ROLE_BUYER, Role.ROLE_ARBITER, Role.ROLE_BORROWER]);
    expect(all.scores[0]).toMatchObject({ reviews: 3n, allTimeAverage: 5n * ONE, recentAverage: 5n * ONE });
    expect(all.scores[2]).toMatchObject({ score: 2_500_000n, reviews: 0n, weight: '0', record: undefined });
    expect(all.scores[3]).toMatchObject({ score: 2_500_000n, positiveEvents: 0n, negativeEvents: 0n });
    expect(all.trader).toMatchObject({ deals: 4n, volume: (4n * CMT).toString() });
    expect(all.asOf).toBe(c.now);

    const first = decodeQuery(await repQueries.reviewsOf(c, addr(SELLER), Role.ROLE_SELLER, { limit: 2n }), QueryReviewsOfResponse);
    expect(first.reviews.map((r) => r.orderId)).toEqual(orders.slice(0, 2));
    const rest = decodeQuery(await repQueries.reviewsOf(c, addr(SELLER), Role.ROLE_SELLER, { key: first.pagination?.nextKey ?? new Uint8Array() }), QueryReviewsOfResponse);
    expect(rest.reviews.map((r) => r.orderId)).toEqual(orders.slice(2));
    const asSeller = decodeQuery(await repQueries.reviewsOf(c, addr(BUYER), Role.ROLE_SELLER), QueryReviewsOfResponse);
    expect(asSeller.reviews).toHaveLength(1);
    expect(asSeller.reviews[0]).toMatchObject({ orderId: reverse.id, reviewer: addr(SELLER), reviewed: addr(BUYER), side: Side.SIDE_BUYER });
    expect(asSeller.reviews[0]?.reply?.textUri).toBe('ipfs://reply');
    const everyRole = decodeQuery(await repQueries.reviewsOf(c, addr(SELLER), Role.ROLE_UNSPECIFIED, { countTotal: true }), QueryReviewsOfResponse);
    expect(everyRole.pagination?.total).toBe(3n);
    expect(decodeQuery(await repQueries.reviewsOf(c, addr(SELLER), Role.ROLE_BUYER), QueryReviewsOfResponse).reviews).toEqual([]);

    const one = decodeQuery(await repQueries.review(c, orders[1]!, Side.SIDE_BUYER), QueryReviewResponse).review;
    expect(one).toMatchObject({ orderId: orders[1], reviewer: addr(BUYER), role: Role.ROLE_SELLER, textUri: 'ipfs://review' });
    const missing = await repQueries.review(c, orders[1]!, Side.SIDE_SELLER);
    expect({ code: missing.code, codespace: missing.codespace }).toEqual({ code: 9, codespace: 'reputation' });
    expect(missing.log).toMatch(/NotFound/);
    expect((await repQueries.review(c, orders[1]!, Side.SIDE_UNSPECIFIED)).code).toBe(11);
    expect((await repQueries.score(c, addr(SELLER), Role.ROLE_UNSPECIFIED)).code).toBe(11);
    expect((await repQueries.scores(c, 'cmt1bad')).codespace).toBe('sdk');
  });
});

describe('genesis', () => {
  it('exports and imports reviews, scores and traders; indexes and pair counts are rebuilt', async () => {
    await start();
    const a = await completed(4n * CMT);
    await c.ok(BUYER, repMsg.review(addr(BUYER), a.id, SELLER_STARS));
    await c.ok(SELLER, repMsg.review(addr(SELLER), a.id, BUYER_STARS));
    await c.ok(BUYER, repMsg.reply(addr(BUYER), a.id));
    const b = await completed(4n * CMT);
    const exported = await c.exportAppState();
    const original = c;
    const other = await TestChain.start(w, { appState: exported, genesisSeconds: c.now });
    try {
      expect((await other.exportAppState())['reputation']).toEqual(exported['reputation']);
      expect(other.keepers.reputation.pairCount(other.store, addr(SELLER), Role.ROLE_SELLER, addr(BUYER))).toBe(1n);
      for (const role of [Role.ROLE_SELLER, Role.ROLE_BUYER]) {
        for (const who of [addr(BUYER), addr(SELLER)]) {
          const at = c.now + 7n;
          expect(other.keepers.reputation.view(other.store, who, role, at)).toEqual(original.keepers.reputation.view(original.store, who, role, at));
        }
      }
      // The same review on both chains, at the same time, weighs the same (the second of the pair).
      const time = c.now + 50n;
      const onA = await c.ok(BUYER, repMsg.review(addr(BUYER), b.id, SELLER_STARS), { time });
      const onB = await other.ok(BUYER, repMsg.review(addr(BUYER), b.id, SELLER_STARS), { time });
      expect(msgResponse(onB, MsgSubmitReviewResponse)).toEqual(msgResponse(onA, MsgSubmitReviewResponse));
      expect((await other.exportAppState())['reputation']).toEqual((await c.exportAppState())['reputation']);
    } finally {
      for (const inv of reputationInvariants(other.keepers.reputation)) expect(await inv.check(other.store), inv.name).toBeUndefined();
      await other.close();
    }
  });

  it('refuses a genesis whose review counts disagree, a review twice, or bad params', async () => {
    await start();
    const a = await completed(4n * CMT);
    await c.ok(BUYER, repMsg.review(addr(BUYER), a.id, SELLER_STARS));
    const state = await c.exportAppState();
    const rep = state['reputation'] as { reviews: unknown[]; scores: { reviews: string }[]; params: Record<string, unknown> };
    const variants: [string, Record<string, unknown>, RegExp][] = [
      ['counts', { ...rep, scores: rep.scores.map((s) => ({ ...s, reviews: '2' })) }, /reputation\/review-counts.*1 reviews stored, 1 indexed, 1 in pair counts, 2 in its score/],
      ['twice', { ...rep, reviews: [...rep.reviews, ...rep.reviews] }, /app_state.reputation: order 1 has two SIDE_BUYER reviews/],
      ['params', { ...rep, params: { ...rep.params, halfLifeSeconds: '0' } }, /app_state.reputation.params: half_life_seconds must be positive/],
    ];
    for (const [, patched, err] of variants) {
      const started = await TestChain.start(w, { appState: { ...state, reputation: patched }, genesisSeconds: c.now }).catch((e: unknown) => e);
      if (started instanceof TestChain) {
        await started.close();
        throw new Error('genesis accepted');
      }
      expect(String(started)).toMatch(err);
    }
  });
});

describe('invariants', () => {
  it('notice a score whose review count disagrees with the reviews', async () => {
    await start();
    const a = await completed(CMT);
    await c.ok(BUYER, repMsg.review(addr(BUYER), a.id, SELLER_STARS));
    const branch = c.store.branch();
    const score = c.keepers.reputation.getScore(branch, addr(SELLER), Role.ROLE_SELLER);
    if (score === undefined) throw new Error('no score');
    c.keepers.reputation.setScore(branch, { ...score, reviews: 0n });
    const [counts] = reputationInvariants(c.keepers.reputation);
    expect(await counts?.check(branch)).toMatch(/1 reviews stored, 1 indexed, 1 in pair counts, 0 in its score/);
    c.keepers.reputation.setScore(branch, { ...score, weightedSum: (BigInt(score.weightSum) * 6n).toString() });
    const [, bounds] = reputationInvariants(c.keepers.reputation);
    expect(await bounds?.check(branch)).toMatch(/has weighted sum/);
  });
});
