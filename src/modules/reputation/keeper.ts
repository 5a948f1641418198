// reputation keeper: reviews between the two sides of a closed order, and scores per account and
// role kept as decayed sums (see math.ts for the formula). Scores move only through the keeper's
// own messages and through hooks other modules call (escrow: closed orders; arbitration: rulings
// and missed deadlines). The borrower role is read from lending's records (BorrowerRecords).
// Nothing loops over accounts per block: decay is applied to a record when it is read or updated.
import type { TxContext } from '../../app/module.js';
import { OrderStatus, type Order } from '../../generated/cybermiles/escrow/v1/escrow.js';
import type { ScoreView } from '../../generated/cybermiles/reputation/v1/query.js';
import { Params, Ratings, Review, Role, Score, Side, Trader } from '../../generated/cybermiles/reputation/v1/reputation.js';
import { prefixRange } from '../../store/range.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { readUint64BE, uint64BE } from '../../util/bytes.js';
import { parseAddress } from '../auth/address.js';
import type { ArbiterHooks, ArbiterRecord } from '../arbitration/expected-keepers.js';
import type { OrderHooks, OrderOutcome } from '../escrow/expected-keepers.js';
import {
  ErrAlreadyReplied,
  ErrAlreadyReviewed,
  ErrInvalidRating,
  ErrNotParty,
  ErrOrderNotClosed,
  ErrOrderNotFound,
  ErrReviewNotFound,
  ErrTextTooLong,
  ErrWindowClosed,
} from './errors.js';
import { ReputationEvents, reviewEvent, scoreEvent, type ScoreReason } from './events.js';
import type { BorrowerRecords, ReviewableOrders } from './expected-keepers.js';
import type { CreditScore, CreditScores } from './interfaces.js';
import {
  PAIR_PREFIX,
  pairKey,
  PRESENT,
  REVIEW_PREFIX,
  reviewKey,
  reviewsOfKey,
  SCORE_PREFIX,
  scoreKey,
  TRADER_PREFIX,
  traderKey,
} from './keys.js';
import {
  addEvent,
  arbiterDrawWeight,
  bayesScore,
  decaySums,
  disputeLossWeight,
  MAX_RATING,
  meanRating,
  NEUTRAL,
  penaltyWeight,
  reviewWeight,
  standing,
  valueWeight,
  weightedMean,
  type Sums,
} from './math.js';
import { getReputationParams } from './params.js';

export const TRADER_ROLES = [Role.ROLE_SELLER, Role.ROLE_BUYER] as const;
export const ALL_ROLES = [Role.ROLE_SELLER, Role.ROLE_BUYER, Role.ROLE_ARBITER, Role.ROLE_BORROWER] as const;
/** Roles reputation keeps decayed sums for (the borrower role is lending's record). */
export const SCORED_ROLES = [Role.ROLE_SELLER, Role.ROLE_BUYER, Role.ROLE_ARBITER] as const;

const CLOSED: readonly OrderStatus[] = [OrderStatus.ORDER_STATUS_COMPLETED, OrderStatus.ORDER_STATUS_SETTLED, OrderStatus.ORDER_STATUS_RESOLVED];

/** The role a side's review scores: the buyer reviews the seller, and the other way round. */
export const roleReviewedBy = (side: Side): Role => (side === Side.SIDE_BUYER ? Role.ROLE_SELLER : Role.ROLE_BUYER);

type EventKind = 'review' | 'positive' | 'negative';

export interface NewText {
  readonly textHash: Uint8Array;
  readonly textUri: string;
}

/** The stars a side must give, by name; the other dimensions must stay 0. */
function checkRatings(side: Side, r: Ratings | undefined): bigint {
  const ratings = r ?? Ratings.fromPartial({});
  const needed: (keyof Ratings)[] = side === Side.SIDE_BUYER ? ['itemAsDescribed', 'shipping', 'communication'] : ['conduct', 'communication'];
  const unused: (keyof Ratings)[] = side === Side.SIDE_BUYER ? ['conduct'] : ['itemAsDescribed', 'shipping'];
  const field = (k: keyof Ratings): string => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  const who = side === Side.SIDE_BUYER ? 'a review of a seller' : 'a review of a buyer';
  for (const k of needed) {
    const v = ratings[k];
    if (v < 1 || v > 5) throw ErrInvalidRating(`ratings.${field(k)} must be 1 to 5 in ${who}, got ${v}`);
  }
  for (const k of unused) {
    if (ratings[k] !== 0) throw ErrInvalidRating(`ratings.${field(k)} is not rated in ${who}; leave it 0`);
  }
  return meanRating(needed.map((k) => ratings[k]));
}

export class ReputationKeeper implements OrderHooks, ArbiterHooks, CreditScores {
  constructor(
    private readonly orders: ReviewableOrders,
    private readonly borrowers: BorrowerRecords,
  ) {}

  params(store: KVReader): Params {
    return getReputationParams(store);
  }

  // ---- state ----

  getReview(store: KVReader, orderId: bigint, side: Side): Review | undefined {
    const raw = store.get(reviewKey(orderId, side));
    return raw === undefined ? undefined : Review.decode(raw);
  }

  private setReview(store: KVStore, r: Review): void {
    store.set(reviewKey(r.orderId, r.side), Review.encode(r).finish());
  }

  async *iterateReviews(store: KVReader): AsyncGenerator<Review> {
    for await (const [, v] of store.iterate(prefixRange(REVIEW_PREFIX))) yield Review.decode(v);
  }

  getScore(store: KVReader, address: string, role: Role): Score | undefined {
    const raw = store.get(scoreKey(parseAddress(address), role));
    return raw === undefined ? undefined : Score.decode(raw);
  }

  setScore(store: KVStore, s: Score): void {
    store.set(scoreKey(parseAddress(s.address), s.role), Score.encode(s).finish());
  }

  async *iterateScores(store: KVReader): AsyncGenerator<Score> {
    for await (const [, v] of store.iterate(prefixRange(SCORE_PREFIX))) yield Score.decode(v);
  }

  getTrader(store: KVReader, address: string): Trader | undefined {
    const raw = store.get(traderKey(parseAddress(address)));
    return raw === undefined ? undefined : Trader.decode(raw);
  }

  setTrader(store: KVStore, t: Trader): void {
    store.set(traderKey(parseAddress(t.address)), Trader.encode(t).finish());
  }

  async *iterateTraders(store: KVReader): AsyncGenerator<Trader> {
    for await (const [, v] of store.iterate(prefixRange(TRADER_PREFIX))) yield Trader.decode(v);
  }

  /** How many reviews `reviewer` has written of `reviewed` in `role`. */
  pairCount(store: KVReader, reviewed: string, role: Role, reviewer: string): bigint {
    const raw = store.get(pairKey(parseAddress(reviewed), role, parseAddress(reviewer)));
    return raw === undefined ? 0n : readUint64BE(raw);
  }

  /** Every pair counter as raw (key, count), in key order (invariants). */
  async *iteratePairCounts(store: KVReader): AsyncGenerator<readonly [Uint8Array, bigint]> {
    for await (const [k, v] of store.iterate(prefixRange(PAIR_PREFIX))) yield [k, readUint64BE(v)];
  }

  /** Writes a review with its index entry and pair count (genesis import; counts add up). */
  importReview(store: KVStore, r: Review): void {
    if (store.has(reviewKey(r.orderId, r.side))) throw new Error(`order ${r.orderId} has two ${Side[r.side]} reviews`);
    this.setReview(store, r);
    this.index(store, r);
  }

  private index(store: KVStore, r: Review): void {
    const reviewed = parseAddress(r.reviewed, 'reviewed');
    const reviewer = parseAddress(r.reviewer, 'reviewer');
    store.set(reviewsOfKey(reviewed, r.role, r.orderId, r.side), PRESENT);
    const key = pairKey(reviewed, r.role, reviewer);
    const raw = store.get(key);
    store.set(key, uint64BE((raw === undefined ? 0n : readUint64BE(raw)) + 1n));
  }

  // ---- reads, decayed to `now` ----

  /** The record's sums decayed to `now` (zeros without a record). */
  sumsAt(record: Score | undefined, now: bigint, params: Params): Sums {
    if (record === undefined) return { weightedSum: 0n, weightSum: 0n };
    return decaySums({ weightedSum: BigInt(record.weightedSum), weightSum: BigInt(record.weightSum) }, now - record.updatedAt, params.halfLifeSeconds);
  }

  /** The score other modules use (bayesScore of the decayed sums), ppm. */
  scoreOf(store: KVReader, address: string, role: Role, now: bigint): bigint {
    const params = this.params(store);
    const s = this.sumsAt(this.getScore(store, address, role), now, params);
    return bayesScore(s.weightedSum, s.weightSum, params.priorWeight);
  }

  /** Seller and buyer records together: what a reviewer's own word is worth. */
  traderScore(store: KVReader, address: string, now: bigint): bigint {
    const params = this.params(store);
    let weightedSum = 0n;
    let weightSum = 0n;
    for (const role of TRADER_ROLES) {
      const s = this.sumsAt(this.getScore(store, address, role), now, params);
      weightedSum += s.weightedSum;
      weightSum += s.weightSum;
    }
    return bayesScore(weightedSum, weightSum, params.priorWeight);
  }

  view(store: KVReader, address: string, role: Role, now: bigint): ScoreView {
    if (role === Role.ROLE_BORROWER) return this.borrowerView(store, address);
    const params = this.params(store);
    const record = this.getScore(store, address, role);
    const s = this.sumsAt(record, now, params);
    const events = record === undefined ? 0n : record.reviews + record.positiveEvents + record.negativeEvents;
    return {
      role,
      score: bayesScore(s.weightedSum, s.weightSum, params.priorWeight),
      recentAverage: weightedMean(s.weightedSum, s.weightSum),
      allTimeAverage: record === undefined || events === 0n ? 0n : BigInt(record.ratingSum) / events,
      weight: s.weightSum.toString(),
      reviews: record?.reviews ?? 0n,
      positiveEvents: record?.positiveEvents ?? 0n,
      negativeEvents: record?.negativeEvents ?? 0n,
      updatedAt: record?.updatedAt ?? 0n,
      record,
    };
  }

  /** The borrower role, as lending's record has it (no decayed sums of reputation's own). */
  private borrowerView(store: KVReader, address: string): ScoreView {
    const b = this.borrowers.borrowerRecord(store, address);
    const score = b === undefined ? NEUTRAL : b.score > MAX_RATING ? MAX_RATING : b.score < 0n ? 0n : b.score;
    return {
      role: Role.ROLE_BORROWER,
      score,
      recentAverage: b === undefined ? 0n : score,
      allTimeAverage: b === undefined ? 0n : score,
      weight: '0',
      reviews: 0n,
      positiveEvents: b?.repaidLoans ?? 0n,
      negativeEvents: b?.defaultedLoans ?? 0n,
      updatedAt: 0n,
      record: undefined,
    };
  }

  /** Arbitration's draw weight: bond × (0.5 + arbiter score / 5). */
  arbiterWeight(store: KVReader, arbiter: string, bond: bigint, now: bigint): bigint {
    return arbiterDrawWeight(bond, this.scoreOf(store, arbiter, Role.ROLE_ARBITER, now));
  }

  /** For lending: the borrower's record (through lending's BorrowerRecords) and its trading reputation. */
  creditScore(store: KVReader, borrower: string, now: bigint): CreditScore {
    const b = this.borrowerView(store, borrower);
    const t = this.getTrader(store, borrower);
    return {
      borrowerScore: b.score,
      traderScore: this.traderScore(store, borrower, now),
      repaidLoans: b.positiveEvents,
      defaultedLoans: b.negativeEvents,
      deals: t?.deals ?? 0n,
      volume: t === undefined ? 0n : BigInt(t.volume),
      disputesLost: t?.disputesLost ?? 0n,
    };
  }

  /** The standing of `reviewer`'s word at `now`, ppm (math.ts: standing). */
  standingOf(store: KVReader, reviewer: string, now: bigint): bigint {
    const params = this.params(store);
    const t = this.getTrader(store, reviewer);
    return standing(
      { minStanding: params.minStanding, standingVolume: BigInt(params.standingVolume), standingAgeSeconds: params.standingAgeSeconds },
      {
        volume: t === undefined ? 0n : BigInt(t.volume),
        age: t === undefined || t.deals === 0n ? 0n : now - t.firstTradeAt,
        traderScore: this.traderScore(store, reviewer, now),
      },
    );
  }

  // ---- messages ----

  private checkText(text: NewText, params: Params): void {
    if (text.textHash.length > 64) throw ErrTextTooLong('text_hash is longer than 64 bytes');
    if (Buffer.byteLength(text.textUri, 'utf8') > params.maxTextLength) throw ErrTextTooLong(`text_uri is longer than ${params.maxTextLength} bytes`);
  }

  private mustGetOrder(store: KVReader, orderId: bigint): Order {
    const order = this.orders.getOrder(store, orderId);
    if (order === undefined) throw ErrOrderNotFound(`order ${orderId} does not exist`);
    return order;
  }

  submitReview(ctx: TxContext, reviewer: string, orderId: bigint, ratings: Ratings | undefined, text: NewText): Review {
    const params = this.params(ctx.store);
    const now = ctx.block.timeSeconds;
    const order = this.mustGetOrder(ctx.store, orderId);
    const side = reviewer === order.buyer ? Side.SIDE_BUYER : reviewer === order.seller ? Side.SIDE_SELLER : undefined;
    if (side === undefined) throw ErrNotParty(`${reviewer} is neither the buyer nor the seller of order ${orderId}`);
    if (!CLOSED.includes(order.status)) {
      throw ErrOrderNotClosed(`order ${orderId} is ${(OrderStatus[order.status] ?? '').replace(/^ORDER_STATUS_/, '').toLowerCase()}; it can be reviewed once completed, settled or resolved`);
    }
    if (this.getReview(ctx.store, orderId, side) !== undefined) {
      throw ErrAlreadyReviewed(`the ${side === Side.SIDE_BUYER ? 'buyer' : 'seller'} already reviewed order ${orderId}`);
    }
    const closes = order.closedAt + params.reviewWindowSeconds;
    if (now > closes) throw ErrWindowClosed(`order ${orderId} could be reviewed until ${closes}`);
    const rating = checkRatings(side, ratings);
    this.checkText(text, params);

    const role = roleReviewedBy(side);
    const reviewed = side === Side.SIDE_BUYER ? order.seller : order.buyer;
    const price = BigInt(order.price);
    const k = this.pairCount(ctx.store, reviewed, role, reviewer) + 1n;
    const weight = reviewWeight(valueWeight(price, params.maxValueWeight), this.standingOf(ctx.store, reviewer, now), k);
    const review = Review.fromPartial({
      orderId,
      side,
      reviewer,
      reviewed,
      role,
      ratings: ratings ?? {},
      rating,
      weight,
      orderValue: price.toString(),
      textHash: text.textHash,
      textUri: text.textUri,
      createdAt: now,
    });
    this.setReview(ctx.store, review);
    this.index(ctx.store, review);
    ctx.events.emit(reviewEvent(ReputationEvents.reviewed, review, [['rating', rating.toString()], ['weight', weight.toString()], ['ordinal', k.toString()]]));
    this.applyEvent(ctx, reviewed, role, 'review', 'review', { orderId }, weight, rating);
    return review;
  }

  reply(ctx: TxContext, sender: string, orderId: bigint, text: NewText): Review {
    const params = this.params(ctx.store);
    const order = this.mustGetOrder(ctx.store, orderId);
    // The reviewed side answers the other side's review.
    const side = sender === order.seller ? Side.SIDE_BUYER : sender === order.buyer ? Side.SIDE_SELLER : undefined;
    if (side === undefined) throw ErrNotParty(`${sender} is neither the buyer nor the seller of order ${orderId}`);
    const review = this.getReview(ctx.store, orderId, side);
    if (review === undefined) throw ErrReviewNotFound(`order ${orderId} has no review of ${sender}`);
    if (review.reply !== undefined) throw ErrAlreadyReplied(`${sender} already replied to the review of order ${orderId}`);
    const closes = review.createdAt + params.reviewWindowSeconds;
    if (ctx.block.timeSeconds > closes) throw ErrWindowClosed(`the review of order ${orderId} could be answered until ${closes}`);
    this.checkText(text, params);
    review.reply = { textHash: text.textHash, textUri: text.textUri, createdAt: ctx.block.timeSeconds };
    this.setReview(ctx.store, review);
    ctx.events.emit(reviewEvent(ReputationEvents.replied, review));
    return review;
  }

  // ---- score events ----

  /** Decays the record to now, adds one event, counts it, and emits the score change. */
  private applyEvent(
    ctx: TxContext,
    address: string,
    role: Role,
    kind: EventKind,
    reason: ScoreReason,
    ref: { orderId?: bigint; caseId?: bigint },
    weight: bigint,
    rating: bigint,
  ): void {
    if (rating < 0n || rating > MAX_RATING || weight < 0n) throw new Error(`score event out of range: rating ${rating}, weight ${weight}`);
    const params = this.params(ctx.store);
    const now = ctx.block.timeSeconds;
    const record =
      this.getScore(ctx.store, address, role) ??
      Score.fromPartial({ address, role, weightedSum: '0', weightSum: '0', ratingSum: '0', updatedAt: now });
    const sums = addEvent(this.sumsAt(record, now, params), weight, rating);
    record.weightedSum = sums.weightedSum.toString();
    record.weightSum = sums.weightSum.toString();
    record.updatedAt = now;
    record.ratingSum = (BigInt(record.ratingSum) + rating).toString();
    if (kind === 'review') record.reviews += 1n;
    else if (kind === 'positive') record.positiveEvents += 1n;
    else record.negativeEvents += 1n;
    this.setScore(ctx.store, record);
    const score = bayesScore(sums.weightedSum, sums.weightSum, params.priorWeight);
    ctx.events.emit(scoreEvent(address, role, reason, ref, { rating, weight, score }));
  }

  private recordTrade(ctx: TxContext, address: string, price: bigint, dispute: 'won' | 'lost' | undefined): void {
    const t = this.getTrader(ctx.store, address) ?? Trader.fromPartial({ address, volume: '0' });
    if (t.deals === 0n) t.firstTradeAt = ctx.block.timeSeconds;
    t.deals += 1n;
    t.volume = (BigInt(t.volume) + price).toString();
    if (dispute === 'won') t.disputesWon += 1n;
    if (dispute === 'lost') t.disputesLost += 1n;
    this.setTrader(ctx.store, t);
  }

  /**
   * Escrow's hook. A completed, settled or ruled order adds to both sides' deals and volume (an
   * unwound one moved no money and adds nothing). A ruling counts against each side in proportion
   * to what it lost of the price: all of it for the loser, each side's share in a split.
   */
  onOrderClosed(ctx: TxContext, order: Order, outcome: OrderOutcome): void {
    if (outcome.kind === 'unwound') return;
    const price = BigInt(order.price);
    if (outcome.kind !== 'ruled') {
      this.recordTrade(ctx, order.buyer, price, undefined);
      this.recordTrade(ctx, order.seller, price, undefined);
      return;
    }
    const params = this.params(ctx.store);
    const buyerLost = outcome.sellerAmount;
    const sellerLost = price - outcome.sellerAmount;
    this.recordTrade(ctx, order.buyer, price, buyerLost > 0n ? 'lost' : 'won');
    this.recordTrade(ctx, order.seller, price, sellerLost > 0n ? 'lost' : 'won');
    const loss = (address: string, role: Role, lost: bigint): void => {
      if (lost <= 0n) return;
      const w = disputeLossWeight(price, lost, params.disputeLossWeightPerCmt, params.maxDisputeLossWeight);
      this.applyEvent(ctx, address, role, 'negative', 'dispute_lost', { orderId: order.id, caseId: order.caseId }, w, 0n);
    };
    loss(order.seller, Role.ROLE_SELLER, sellerLost);
    loss(order.buyer, Role.ROLE_BUYER, buyerLost);
  }

  /** Arbitration's hook: a ruling counts for the arbiter, rated 5, weighted by the order's value. */
  onCaseRuled(ctx: TxContext, r: ArbiterRecord): void {
    const params = this.params(ctx.store);
    const w = valueWeight(r.orderValue, params.maxValueWeight);
    this.applyEvent(ctx, r.arbiter, Role.ROLE_ARBITER, 'positive', 'case_ruled', { orderId: r.orderId, caseId: r.caseId }, w, MAX_RATING);
  }

  /** Arbitration's hook: a missed ruling deadline counts against the arbiter, rated 0, penalty_multiplier times as heavy. */
  onDeadlineMissed(ctx: TxContext, r: ArbiterRecord): void {
    const params = this.params(ctx.store);
    const w = penaltyWeight(valueWeight(r.orderValue, params.maxValueWeight), params.penaltyMultiplier);
    this.applyEvent(ctx, r.arbiter, Role.ROLE_ARBITER, 'negative', 'deadline_missed', { orderId: r.orderId, caseId: r.caseId }, w, 0n);
  }
}
