// escrow keeper: orders and their transitions. Funds: the buyer locks price + deposit at opening,
// the seller locks an equal deposit at acceptance; every way out pays back exactly what is owed.
import type { TxContext } from '../../app/module.js';
import { Evidence, Order, OrderStatus, type Params } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { prefixRange } from '../../store/range.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { concat, readUint64BE, uint64BE } from '../../util/bytes.js';
import { parseAddress } from '../auth/address.js';
import { parseAmount } from '../bank/coins.js';
import {
  ErrDeadlineNotPassed,
  ErrDeadlinePassed,
  ErrDepositMismatch,
  ErrDepositTooSmall,
  ErrDisputeWindowClosed,
  ErrInvalidAmount,
  ErrInvalidDeadline,
  ErrInvalidDisputeWindow,
  ErrInvalidTransition,
  ErrNoSettlement,
  ErrNotParty,
  ErrOrderNotFound,
  ErrSameParty,
  ErrTextTooLong,
  ErrTooMuchEvidence,
} from './errors.js';
import { EscrowEvents, orderEvent, statusName } from './events.js';
import type { DisputeHooks, EscrowBank, OrderHooks, OrderOutcome } from './expected-keepers.js';
import {
  byBuyerKey,
  bySellerKey,
  evidenceKey,
  evidencePrefix,
  idAtEnd,
  NEXT_ORDER_ID_KEY,
  ORDER_PREFIX,
  orderKey,
  PRESENT,
  RELEASE_QUEUE_PREFIX,
  releaseQueueKey,
  tradedKey,
} from './keys.js';
import { getEscrowParams } from './params.js';

export interface NewOrder {
  readonly buyer: string;
  readonly seller: string;
  readonly price: string;
  readonly deposit: string;
  readonly itemHash: Uint8Array;
  readonly itemUri: string;
  readonly deliveryDeadline: bigint;
  readonly disputeWindowSeconds: bigint;
}

export interface NewEvidence {
  readonly hash: Uint8Array;
  readonly uri: string;
  readonly payload: Uint8Array;
}

/** What an order holds in escrow's account, by state. */
export function lockedBy(order: Order): bigint {
  const price = BigInt(order.price);
  const deposit = BigInt(order.deposit);
  switch (order.status) {
    case OrderStatus.ORDER_STATUS_OPEN:
      return price + deposit;
    case OrderStatus.ORDER_STATUS_ACCEPTED:
    case OrderStatus.ORDER_STATUS_SHIPPED:
    case OrderStatus.ORDER_STATUS_DISPUTED:
      return price + 2n * deposit;
    default:
      return 0n;
  }
}

const OPEN = OrderStatus.ORDER_STATUS_OPEN;
const ACCEPTED = OrderStatus.ORDER_STATUS_ACCEPTED;
const SHIPPED = OrderStatus.ORDER_STATUS_SHIPPED;
const DISPUTED = OrderStatus.ORDER_STATUS_DISPUTED;

function checkText(text: string, field: string, params: Params): void {
  if (Buffer.byteLength(text, 'utf8') > params.maxTextLength) {
    throw ErrTextTooLong(`${field} is longer than ${params.maxTextLength} bytes`);
  }
}

function checkHash(hash: Uint8Array, field: string): void {
  if (hash.length > 64) throw ErrTextTooLong(`${field} is longer than 64 bytes`);
}

export class EscrowKeeper {
  private hooks: DisputeHooks | undefined;
  private orderHooks: OrderHooks | undefined;

  constructor(private readonly bank: EscrowBank) {}

  /** Set once by app.ts after arbitration exists (arbitration also depends on escrow). */
  setHooks(hooks: DisputeHooks): void {
    if (this.hooks !== undefined) throw new Error('escrow hooks set twice');
    this.hooks = hooks;
  }

  /** Set once by app.ts: who hears of closed orders (reputation). Without it nobody does. */
  setOrderHooks(hooks: OrderHooks): void {
    if (this.orderHooks !== undefined) throw new Error('escrow order hooks set twice');
    this.orderHooks = hooks;
  }

  private closed(ctx: TxContext, order: Order, outcome: OrderOutcome): void {
    this.orderHooks?.onOrderClosed(ctx, order, outcome);
  }

  params(store: KVReader): Params {
    return getEscrowParams(store);
  }

  getOrder(store: KVReader, id: bigint): Order | undefined {
    const raw = store.get(orderKey(id));
    return raw === undefined ? undefined : Order.decode(raw);
  }

  mustGetOrder(store: KVReader, id: bigint): Order {
    const order = this.getOrder(store, id);
    if (order === undefined) throw ErrOrderNotFound(`order ${id} does not exist`);
    return order;
  }

  setOrder(store: KVStore, order: Order): void {
    store.set(orderKey(order.id), Order.encode(order).finish());
  }

  /** Writes an order with its indexes and queue entry (genesis import). */
  importOrder(store: KVStore, order: Order): void {
    const buyer = parseAddress(order.buyer, 'buyer');
    const seller = parseAddress(order.seller, 'seller');
    this.setOrder(store, order);
    store.set(byBuyerKey(buyer, order.id), PRESENT);
    store.set(bySellerKey(seller, order.id), PRESENT);
    if (order.status !== OPEN && order.acceptedAt !== 0n) this.recordTrade(store, order);
    if (order.status === SHIPPED) store.set(releaseQueueKey(order.releaseAt, order.id), PRESENT);
  }

  importEvidence(store: KVStore, e: Evidence, seq: number): void {
    store.set(evidenceKey(e.orderId, seq), Evidence.encode(e).finish());
  }

  async *iterateOrders(store: KVReader): AsyncGenerator<Order> {
    for await (const [, v] of store.iterate(prefixRange(ORDER_PREFIX))) yield Order.decode(v);
  }

  async evidenceOf(store: KVReader, orderId: bigint): Promise<Evidence[]> {
    const out: Evidence[] = [];
    for await (const [, v] of store.iterate(prefixRange(evidencePrefix(orderId)))) out.push(Evidence.decode(v));
    return out;
  }

  /**
   * Remembers that buyer and seller dealt with each other, once both signed (at acceptance): one
   * side alone cannot make an arbiter look tied to it and steer the draw.
   */
  private recordTrade(store: KVStore, order: Order): void {
    const buyer = parseAddress(order.buyer);
    const seller = parseAddress(order.seller);
    store.set(tradedKey(buyer, seller), PRESENT);
    store.set(tradedKey(seller, buyer), PRESENT);
  }

  /** True when the two accounts were ever buyer and seller of one accepted order (either way round). */
  haveTraded(store: KVReader, a: string, b: string): boolean {
    return store.has(tradedKey(parseAddress(a), parseAddress(b)));
  }

  nextOrderId(store: KVReader): bigint {
    const raw = store.get(NEXT_ORDER_ID_KEY);
    return raw === undefined ? 1n : readUint64BE(raw);
  }

  setNextOrderId(store: KVStore, id: bigint): void {
    store.set(NEXT_ORDER_ID_KEY, uint64BE(id));
  }

  private transition(ctx: TxContext, order: Order, status: OrderStatus, event: string, extra: ReadonlyArray<readonly [string, string]> = []): void {
    order.status = status;
    if (lockedBy(order) === 0n) order.closedAt = ctx.block.timeSeconds;
    this.setOrder(ctx.store, order);
    ctx.events.emit(orderEvent(event, order, extra));
  }

  private expect(order: Order, allowed: readonly OrderStatus[], action: string): void {
    if (!allowed.includes(order.status)) {
      throw ErrInvalidTransition(`order ${order.id} is ${statusName(order.status)}; ${action} needs ${allowed.map(statusName).join(' or ')}`);
    }
  }

  private pay(ctx: TxContext, to: string, amount: bigint): void {
    if (amount > 0n) this.bank.release(ctx, parseAddress(to), amount);
  }

  createOrder(ctx: TxContext, m: NewOrder): Order {
    const params = this.params(ctx.store);
    const buyer = parseAddress(m.buyer, 'buyer');
    const seller = parseAddress(m.seller, 'seller');
    if (m.buyer === m.seller) throw ErrSameParty(`buyer and seller are both ${m.buyer}`);
    const price = parseAmount(m.price, 'price');
    if (price === 0n) throw ErrInvalidAmount('price must be positive');
    const deposit = parseAmount(m.deposit, 'deposit');
    const minDeposit = (price * BigInt(params.minDepositBps) + 9999n) / 10_000n;
    if (deposit < minDeposit) {
      throw ErrDepositTooSmall(`deposit ${deposit}ucmt is below ${minDeposit}ucmt (${params.minDepositBps} basis points of the price)`);
    }
    checkHash(m.itemHash, 'item_hash');
    checkText(m.itemUri, 'item_uri', params);
    const now = ctx.block.timeSeconds;
    if (m.deliveryDeadline <= now) throw ErrInvalidDeadline(`delivery deadline ${m.deliveryDeadline} is not after the block time ${now}`);
    if (m.deliveryDeadline - now > params.maxDeliverySeconds) {
      throw ErrInvalidDeadline(`delivery deadline is more than ${params.maxDeliverySeconds} seconds away`);
    }
    if (m.disputeWindowSeconds < params.minDisputeWindowSeconds || m.disputeWindowSeconds > params.maxDisputeWindowSeconds) {
      throw ErrInvalidDisputeWindow(
        `dispute window ${m.disputeWindowSeconds}s is outside [${params.minDisputeWindowSeconds}s, ${params.maxDisputeWindowSeconds}s]`,
      );
    }
    const id = this.nextOrderId(ctx.store);
    this.setNextOrderId(ctx.store, id + 1n);
    this.bank.lock(ctx, buyer, price + deposit);
    const order = Order.fromPartial({
      id,
      buyer: m.buyer,
      seller: m.seller,
      price: price.toString(),
      deposit: deposit.toString(),
      itemHash: m.itemHash,
      itemUri: m.itemUri,
      deliveryDeadline: m.deliveryDeadline,
      disputeWindowSeconds: m.disputeWindowSeconds,
      createdAt: now,
    });
    ctx.store.set(byBuyerKey(buyer, id), PRESENT);
    ctx.store.set(bySellerKey(seller, id), PRESENT);
    this.transition(ctx, order, OPEN, EscrowEvents.created, [
      ['price', order.price],
      ['deposit', order.deposit],
    ]);
    return order;
  }

  accept(ctx: TxContext, sender: string, id: bigint, deposit: string): void {
    const order = this.mustGetOrder(ctx.store, id);
    if (sender !== order.seller) throw ErrNotParty(`only the seller of order ${id} may accept it`);
    this.expect(order, [OPEN], 'accept');
    if (parseAmount(deposit, 'deposit') !== BigInt(order.deposit)) {
      throw ErrDepositMismatch(`order ${id} asks a deposit of ${order.deposit}ucmt, not ${deposit}ucmt`);
    }
    if (ctx.block.timeSeconds > order.deliveryDeadline) throw ErrDeadlinePassed(`order ${id}'s delivery deadline passed`);
    this.bank.lock(ctx, parseAddress(order.seller), BigInt(order.deposit));
    this.recordTrade(ctx.store, order);
    order.acceptedAt = ctx.block.timeSeconds;
    this.transition(ctx, order, ACCEPTED, EscrowEvents.accepted);
  }

  decline(ctx: TxContext, sender: string, id: bigint): void {
    const order = this.mustGetOrder(ctx.store, id);
    if (sender !== order.seller) throw ErrNotParty(`only the seller of order ${id} may decline it`);
    this.expect(order, [OPEN], 'decline');
    this.pay(ctx, order.buyer, BigInt(order.price) + BigInt(order.deposit));
    this.transition(ctx, order, OrderStatus.ORDER_STATUS_DECLINED, EscrowEvents.declined);
  }

  cancel(ctx: TxContext, sender: string, id: bigint): void {
    const order = this.mustGetOrder(ctx.store, id);
    if (sender !== order.buyer) throw ErrNotParty(`only the buyer of order ${id} may cancel it`);
    this.expect(order, [OPEN, ACCEPTED], 'cancel');
    const price = BigInt(order.price);
    const deposit = BigInt(order.deposit);
    if (order.status === OPEN) {
      this.pay(ctx, order.buyer, price + deposit);
      this.transition(ctx, order, OrderStatus.ORDER_STATUS_CANCELLED, EscrowEvents.cancelled);
      return;
    }
    if (ctx.block.timeSeconds <= order.deliveryDeadline) {
      throw ErrDeadlineNotPassed(`the seller of order ${id} has until ${order.deliveryDeadline} to ship`);
    }
    this.pay(ctx, order.buyer, price + deposit);
    this.pay(ctx, order.seller, deposit);
    this.transition(ctx, order, OrderStatus.ORDER_STATUS_REFUNDED, EscrowEvents.refunded);
  }

  ship(ctx: TxContext, sender: string, id: bigint, trackingHash: Uint8Array): void {
    const order = this.mustGetOrder(ctx.store, id);
    if (sender !== order.seller) throw ErrNotParty(`only the seller of order ${id} may ship it`);
    this.expect(order, [ACCEPTED], 'ship');
    checkHash(trackingHash, 'tracking_hash');
    const now = ctx.block.timeSeconds;
    if (now > order.deliveryDeadline) throw ErrDeadlinePassed(`order ${id}'s delivery deadline ${order.deliveryDeadline} passed`);
    order.shippedAt = now;
    order.trackingHash = trackingHash;
    order.releaseAt = now + order.disputeWindowSeconds;
    ctx.store.set(releaseQueueKey(order.releaseAt, id), PRESENT);
    this.transition(ctx, order, SHIPPED, EscrowEvents.shipped, [['release_at', order.releaseAt.toString()]]);
  }

  /** Price to the seller, deposits back: by the buyer's confirmation or when the window passes. */
  private complete(ctx: TxContext, order: Order, trigger: 'confirmed' | 'auto_release'): void {
    ctx.store.delete(releaseQueueKey(order.releaseAt, order.id));
    const deposit = BigInt(order.deposit);
    this.pay(ctx, order.seller, BigInt(order.price) + deposit);
    this.pay(ctx, order.buyer, deposit);
    this.transition(ctx, order, OrderStatus.ORDER_STATUS_COMPLETED, EscrowEvents.completed, [['trigger', trigger]]);
    this.closed(ctx, order, { kind: 'completed' });
  }

  confirm(ctx: TxContext, sender: string, id: bigint): void {
    const order = this.mustGetOrder(ctx.store, id);
    if (sender !== order.buyer) throw ErrNotParty(`only the buyer of order ${id} may confirm receipt`);
    this.expect(order, [SHIPPED], 'confirm receipt');
    this.complete(ctx, order, 'confirmed');
  }

  private partyOf(order: Order, sender: string): 'buyer' | 'seller' {
    if (sender === order.buyer) return 'buyer';
    if (sender === order.seller) return 'seller';
    throw ErrNotParty(`${sender} is neither the buyer nor the seller of order ${order.id}`);
  }

  private sellerAmount(order: Order, amount: string): bigint {
    const a = parseAmount(amount, 'seller_amount');
    if (a > BigInt(order.price)) throw ErrInvalidAmount(`seller_amount ${a} exceeds the price ${order.price}`);
    return a;
  }

  proposeSettlement(ctx: TxContext, sender: string, id: bigint, sellerAmount: string): void {
    const order = this.mustGetOrder(ctx.store, id);
    this.partyOf(order, sender);
    this.expect(order, [ACCEPTED, SHIPPED], 'a settlement');
    const amount = this.sellerAmount(order, sellerAmount);
    order.settlement = { proposer: sender, sellerAmount: amount.toString() };
    this.setOrder(ctx.store, order);
    ctx.events.emit(orderEvent(EscrowEvents.settlementProposed, order, [['proposer', sender], ['seller_amount', amount.toString()]]));
  }

  acceptSettlement(ctx: TxContext, sender: string, id: bigint, sellerAmount: string): void {
    const order = this.mustGetOrder(ctx.store, id);
    this.partyOf(order, sender);
    this.expect(order, [ACCEPTED, SHIPPED], 'a settlement');
    const proposal = order.settlement;
    if (proposal === undefined) throw ErrNoSettlement(`order ${id} has no settlement proposal`);
    if (proposal.proposer === sender) throw ErrNotParty(`the proposer cannot accept its own settlement of order ${id}`);
    const amount = this.sellerAmount(order, sellerAmount);
    if (amount.toString() !== proposal.sellerAmount) {
      throw ErrNoSettlement(`the standing proposal of order ${id} gives the seller ${proposal.sellerAmount}, not ${amount}`);
    }
    if (order.status === SHIPPED) ctx.store.delete(releaseQueueKey(order.releaseAt, id));
    const deposit = BigInt(order.deposit);
    this.pay(ctx, order.seller, amount + deposit);
    this.pay(ctx, order.buyer, BigInt(order.price) - amount + deposit);
    this.transition(ctx, order, OrderStatus.ORDER_STATUS_SETTLED, EscrowEvents.settled, [['seller_amount', amount.toString()]]);
    this.closed(ctx, order, { kind: 'settled', sellerAmount: amount });
  }

  async raiseDispute(
    ctx: TxContext,
    sender: string,
    id: bigint,
    reason: string,
    evidence: NewEvidence | undefined,
  ): Promise<{ caseId: bigint; arbiter: string }> {
    const order = this.mustGetOrder(ctx.store, id);
    this.partyOf(order, sender);
    this.expect(order, [ACCEPTED, SHIPPED], 'a dispute');
    const params = this.params(ctx.store);
    checkText(reason, 'reason', params);
    if (order.status === ACCEPTED && ctx.block.timeSeconds > order.deliveryDeadline) {
      throw ErrDeadlinePassed(`order ${id} was not shipped by its deadline; the buyer may cancel it for a full refund`);
    }
    if (order.status === SHIPPED) {
      if (ctx.block.timeSeconds >= order.releaseAt) throw ErrDisputeWindowClosed(`order ${id}'s dispute window closed at ${order.releaseAt}`);
      ctx.store.delete(releaseQueueKey(order.releaseAt, id));
    }
    if (this.hooks === undefined) throw new Error('escrow: dispute hooks not set');
    order.disputeReason = reason;
    order.status = DISPUTED;
    this.setOrder(ctx.store, order);
    const drawn = await this.hooks.onDisputeRaised(ctx, order);
    order.caseId = drawn.caseId;
    this.transition(ctx, order, DISPUTED, EscrowEvents.disputed, [
      ['raised_by', sender],
      ['case_id', drawn.caseId.toString()],
      ['arbiter', drawn.arbiter],
    ]);
    if (evidence !== undefined) this.addEvidence(ctx, order, sender, evidence, params);
    return drawn;
  }

  submitEvidence(ctx: TxContext, sender: string, id: bigint, evidence: NewEvidence): void {
    const order = this.mustGetOrder(ctx.store, id);
    this.partyOf(order, sender);
    this.expect(order, [DISPUTED], 'evidence');
    this.addEvidence(ctx, order, sender, evidence, this.params(ctx.store));
  }

  private addEvidence(ctx: TxContext, order: Order, sender: string, e: NewEvidence, params: Params): void {
    checkHash(e.hash, 'evidence hash');
    checkText(e.uri, 'evidence uri', params);
    if (e.payload.length > params.maxPayloadBytes) throw ErrTooMuchEvidence(`evidence payload exceeds ${params.maxPayloadBytes} bytes`);
    let seq = 0;
    let mine = 0;
    const prefix = evidencePrefix(order.id);
    for (const [key, value] of this.syncEntries(ctx.store, prefix)) {
      seq = Number(readUint64BE(key.subarray(prefix.length))) + 1;
      if (Evidence.decode(value).submitter === sender) mine++;
    }
    if (mine >= params.maxEvidencePerSide) throw ErrTooMuchEvidence(`each side may submit at most ${params.maxEvidencePerSide} pieces of evidence`);
    const record = Evidence.fromPartial({ orderId: order.id, submitter: sender, hash: e.hash, uri: e.uri, payload: e.payload, submittedAt: ctx.block.timeSeconds });
    ctx.store.set(evidenceKey(order.id, seq), Evidence.encode(record).finish());
    ctx.events.emit(orderEvent(EscrowEvents.evidence, order, [['submitter', sender], ['uri', e.uri]]));
  }

  /** Evidence keys of one order, read by point lookups (bounded by max_evidence_per_side). */
  private *syncEntries(store: KVReader, prefix: Uint8Array): Generator<readonly [Uint8Array, Uint8Array]> {
    for (let i = 0; ; i++) {
      const key = concat(prefix, uint64BE(BigInt(i)));
      const value = store.get(key);
      if (value === undefined) return;
      yield [key, value];
    }
  }

  amountsOf(store: KVReader, id: bigint): { price: bigint; deposit: bigint } {
    const order = this.mustGetOrder(store, id);
    return { price: BigInt(order.price), deposit: BigInt(order.deposit) };
  }

  async *iterateDisputes(store: KVReader): AsyncGenerator<{ orderId: bigint; caseId: bigint }> {
    for await (const o of this.iterateOrders(store)) if (o.status === DISPUTED) yield { orderId: o.id, caseId: o.caseId };
  }

  /** The arbiter's ruling: payouts from escrow's account, final. */
  resolveDispute(ctx: TxContext, id: bigint, r: { sellerAmount: bigint; buyerFee: bigint; sellerFee: bigint; arbiter: string }): void {
    const order = this.mustGetOrder(ctx.store, id);
    this.expect(order, [DISPUTED], 'a ruling');
    const price = BigInt(order.price);
    const deposit = BigInt(order.deposit);
    if (r.sellerAmount > price || r.buyerFee > deposit || r.sellerFee > deposit) throw new Error(`ruling of order ${id} out of bounds`);
    this.pay(ctx, order.seller, r.sellerAmount + deposit - r.sellerFee);
    this.pay(ctx, order.buyer, price - r.sellerAmount + deposit - r.buyerFee);
    this.pay(ctx, r.arbiter, r.buyerFee + r.sellerFee);
    this.transition(ctx, order, OrderStatus.ORDER_STATUS_RESOLVED, EscrowEvents.resolved, [
      ['arbiter', r.arbiter],
      ['seller_amount', r.sellerAmount.toString()],
    ]);
    this.closed(ctx, order, { kind: 'ruled', sellerAmount: r.sellerAmount, arbiter: r.arbiter });
  }

  /** No arbiter could be found: the deal is unwound, everyone gets back what it locked. */
  unwindDispute(ctx: TxContext, id: bigint): void {
    const order = this.mustGetOrder(ctx.store, id);
    this.expect(order, [DISPUTED], 'unwinding');
    const deposit = BigInt(order.deposit);
    this.pay(ctx, order.buyer, BigInt(order.price) + deposit);
    this.pay(ctx, order.seller, deposit);
    this.transition(ctx, order, OrderStatus.ORDER_STATUS_RESOLVED, EscrowEvents.resolved, [['arbiter', ''], ['unwound', 'true']]);
    this.closed(ctx, order, { kind: 'unwound' });
  }

  /** Completes shipped orders whose dispute window passed: bounded work, in release-time order. */
  async endBlock(ctx: TxContext): Promise<void> {
    const limit = this.params(ctx.store).maxTimedTransitionsPerBlock;
    const end = concat(RELEASE_QUEUE_PREFIX, uint64BE(ctx.block.timeSeconds + 1n));
    const due: bigint[] = [];
    for await (const [key] of ctx.store.iterate({ gte: RELEASE_QUEUE_PREFIX, lt: end, limit })) due.push(idAtEnd(key));
    for (const id of due) {
      const order = this.mustGetOrder(ctx.store, id);
      if (order.status !== SHIPPED) throw new Error(`release queue holds order ${id} in state ${statusName(order.status)}`);
      this.complete(ctx, order, 'auto_release');
    }
  }
}
