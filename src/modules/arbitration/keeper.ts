// arbitration keeper: the arbiter pool with bonds, cases drawn for disputes, acceptance by both
// sides (silence past the deadline counts as acceptance), rulings, and penalties for arbiters who
// miss the ruling deadline. Timed transitions run from queues in end-block.
import type { TxContext } from '../../app/module.js';
import {
  Arbiter,
  ArbiterStatus,
  Case,
  CaseStatus,
  Outcome,
  type Params,
} from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import type { Order } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { prefixRange } from '../../store/range.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { concat, readUint64BE, uint64BE } from '../../util/bytes.js';
import { parseAddress, toAddress } from '../auth/address.js';
import { parseAmount } from '../bank/coins.js';
import { drawSeed, weightedPick, type Candidate } from './draw.js';
import {
  ErrAlreadyAccepted,
  ErrArbiterLeaving,
  ErrArbiterNotFound,
  ErrBondTooSmall,
  ErrCaseNotFound,
  ErrHasOpenCases,
  ErrInvalidCaseState,
  ErrInvalidOutcome,
  ErrNoArbiter,
  ErrNoRejectionsLeft,
  ErrNotArbiter,
  ErrNotParty,
  ErrTextTooLong,
} from './errors.js';
import { ArbitrationEvents, arbiterEvent, caseEvent } from './events.js';
import type { ArbitrationBank, ArbiterHooks, ArbiterWeights, DisputedOrders } from './expected-keepers.js';
import {
  ARBITER_PREFIX,
  arbiterKey,
  byArbiterKey,
  CASE_PREFIX,
  caseKey,
  DEADLINE_QUEUE_PREFIX,
  DeadlineKind,
  deadlineKey,
  NEXT_CASE_ID_KEY,
  parseDeadlineKey,
  PRESENT,
  UNBOND_QUEUE_PREFIX,
  unbondKey,
} from './keys.js';
import { getArbitrationParams } from './params.js';

const AWAITING = CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE;
const ACTIVE_CASE = CaseStatus.CASE_STATUS_ACTIVE;

export interface RulingInput {
  readonly outcome: Outcome;
  readonly sellerAmount: string;
  readonly reasoningHash: Uint8Array;
  readonly reasoningUri: string;
}

export class ArbitrationKeeper {
  private hooks: ArbiterHooks | undefined;

  constructor(
    private readonly bank: ArbitrationBank,
    private readonly orders: DisputedOrders,
    private readonly weights: ArbiterWeights,
  ) {}

  /** Set once by app.ts: who hears of rulings and missed deadlines (reputation). */
  setHooks(hooks: ArbiterHooks): void {
    if (this.hooks !== undefined) throw new Error('arbitration hooks set twice');
    this.hooks = hooks;
  }

  params(store: KVReader): Params {
    return getArbitrationParams(store);
  }

  getArbiter(store: KVReader, address: string): Arbiter | undefined {
    const raw = store.get(arbiterKey(parseAddress(address)));
    return raw === undefined ? undefined : Arbiter.decode(raw);
  }

  setArbiter(store: KVStore, a: Arbiter): void {
    store.set(arbiterKey(parseAddress(a.address)), Arbiter.encode(a).finish());
  }

  private mustGetArbiter(store: KVReader, address: string): Arbiter {
    const a = this.getArbiter(store, address);
    if (a === undefined) throw ErrArbiterNotFound(`${address} is not a registered arbiter`);
    return a;
  }

  /** Writes an arbiter and its queue entry (genesis import). */
  importArbiter(store: KVStore, a: Arbiter): void {
    this.setArbiter(store, a);
    if (a.status === ArbiterStatus.ARBITER_STATUS_LEAVING) store.set(unbondKey(a.unbondAt, parseAddress(a.address)), PRESENT);
  }

  /** Writes a case with its index and deadline entries (genesis import). */
  importCase(store: KVStore, c: Case): void {
    this.setCase(store, c);
    if (c.status === AWAITING) store.set(deadlineKey(c.acceptanceDeadline, c.id, DeadlineKind.Acceptance), PRESENT);
    if (c.status === ACTIVE_CASE) store.set(deadlineKey(c.rulingDeadline, c.id, DeadlineKind.Ruling), PRESENT);
    if (c.status === AWAITING || c.status === ACTIVE_CASE) store.set(byArbiterKey(parseAddress(c.arbiter), c.id), PRESENT);
  }

  async *iterateArbiters(store: KVReader): AsyncGenerator<Arbiter> {
    for await (const [, v] of store.iterate(prefixRange(ARBITER_PREFIX))) yield Arbiter.decode(v);
  }

  getCase(store: KVReader, id: bigint): Case | undefined {
    const raw = store.get(caseKey(id));
    return raw === undefined ? undefined : Case.decode(raw);
  }

  private mustGetCase(store: KVReader, id: bigint): Case {
    const c = this.getCase(store, id);
    if (c === undefined) throw ErrCaseNotFound(`case ${id} does not exist`);
    return c;
  }

  setCase(store: KVStore, c: Case): void {
    store.set(caseKey(c.id), Case.encode(c).finish());
  }

  async *iterateCases(store: KVReader): AsyncGenerator<Case> {
    for await (const [, v] of store.iterate(prefixRange(CASE_PREFIX))) yield Case.decode(v);
  }

  nextCaseId(store: KVReader): bigint {
    const raw = store.get(NEXT_CASE_ID_KEY);
    return raw === undefined ? 1n : readUint64BE(raw);
  }

  setNextCaseId(store: KVStore, id: bigint): void {
    store.set(NEXT_CASE_ID_KEY, uint64BE(id));
  }

  // ---- the pool ----

  register(ctx: TxContext, address: string, bondText: string, termsHash: Uint8Array, termsUri: string): Arbiter {
    const addr = parseAddress(address, 'arbiter');
    const params = this.params(ctx.store);
    const bond = parseAmount(bondText, 'bond');
    if (termsHash.length > 64) throw ErrTextTooLong('terms_hash is longer than 64 bytes');
    if (Buffer.byteLength(termsUri, 'utf8') > 512) throw ErrTextTooLong('terms_uri is longer than 512 bytes');
    const existing = this.getArbiter(ctx.store, address);
    if (existing?.status === ArbiterStatus.ARBITER_STATUS_LEAVING) throw ErrArbiterLeaving(`${address} is leaving the pool`);
    const total = (existing === undefined ? 0n : BigInt(existing.bond)) + bond;
    const min = BigInt(params.minBond);
    if (bond === 0n || total < min) throw ErrBondTooSmall(`a bond of ${total}ucmt is below the minimum ${min}ucmt`);
    this.bank.lock(ctx, addr, bond);
    const arbiter = Arbiter.fromPartial({
      ...(existing ?? { address, registeredAt: ctx.block.timeSeconds }),
      bond: total.toString(),
      // A top-up without terms keeps the terms the arbiter registered with.
      termsHash: termsHash.length === 0 && existing !== undefined ? existing.termsHash : termsHash,
      termsUri: termsUri === '' && existing !== undefined ? existing.termsUri : termsUri,
      status: ArbiterStatus.ARBITER_STATUS_ACTIVE,
    });
    this.setArbiter(ctx.store, arbiter);
    ctx.events.emit(arbiterEvent(ArbitrationEvents.registered, address, [['bond', arbiter.bond], ['added', bond.toString()]]));
    return arbiter;
  }

  unbond(ctx: TxContext, address: string): bigint {
    const a = this.mustGetArbiter(ctx.store, address);
    if (a.status === ArbiterStatus.ARBITER_STATUS_LEAVING) throw ErrArbiterLeaving(`${address} is already leaving (bond returns at ${a.unbondAt})`);
    if (a.openCases > 0n) throw ErrHasOpenCases(`${address} has ${a.openCases} open case(s)`);
    a.status = ArbiterStatus.ARBITER_STATUS_LEAVING;
    a.unbondAt = ctx.block.timeSeconds + this.params(ctx.store).unbondingSeconds;
    ctx.store.set(unbondKey(a.unbondAt, parseAddress(address)), PRESENT);
    this.setArbiter(ctx.store, a);
    ctx.events.emit(arbiterEvent(ArbitrationEvents.unbonding, address, [['unbond_at', a.unbondAt.toString()]]));
    return a.unbondAt;
  }

  // ---- cases ----

  /** The dispute hook: opens a case for the order and draws its first arbiter. */
  async onDisputeRaised(ctx: TxContext, order: Order): Promise<{ caseId: bigint; arbiter: string }> {
    const id = this.nextCaseId(ctx.store);
    this.setNextCaseId(ctx.store, id + 1n);
    const c = Case.fromPartial({ id, orderId: order.id, buyer: order.buyer, seller: order.seller, status: AWAITING, openedAt: ctx.block.timeSeconds });
    const arbiter = await this.drawFor(ctx, c);
    if (arbiter === undefined) throw ErrNoArbiter(`no arbiter can take order ${order.id}: none is active and unrelated to its parties`);
    return { caseId: id, arbiter };
  }

  private async candidates(ctx: TxContext, c: Case): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for await (const a of this.iterateArbiters(ctx.store)) {
      if (a.status !== ArbiterStatus.ARBITER_STATUS_ACTIVE) continue;
      if (a.address === c.buyer || a.address === c.seller || c.excluded.includes(a.address)) continue;
      if (this.orders.haveTraded(ctx.store, a.address, c.buyer) || this.orders.haveTraded(ctx.store, a.address, c.seller)) continue;
      const weight = this.weights.weight(ctx.store, a.address, BigInt(a.bond), ctx.block.timeSeconds);
      if (weight > 0n) out.push({ address: a.address, weight });
    }
    return out;
  }

  /** Draws the next arbiter and opens the acceptance phase; undefined (nothing written) if none. */
  private async drawFor(ctx: TxContext, c: Case): Promise<string | undefined> {
    const picked = weightedPick(await this.candidates(ctx, c), drawSeed(ctx.block.hash, c.id, c.draws + 1));
    if (picked === undefined) return undefined;
    const params = this.params(ctx.store);
    c.draws += 1;
    c.arbiter = picked;
    c.status = AWAITING;
    c.buyerAccepted = false;
    c.sellerAccepted = false;
    c.acceptanceDeadline = ctx.block.timeSeconds + params.acceptanceSeconds;
    c.rulingDeadline = 0n;
    ctx.store.set(deadlineKey(c.acceptanceDeadline, c.id, DeadlineKind.Acceptance), PRESENT);
    ctx.store.set(byArbiterKey(parseAddress(picked), c.id), PRESENT);
    const a = this.mustGetArbiter(ctx.store, picked);
    a.openCases += 1n;
    this.setArbiter(ctx.store, a);
    this.setCase(ctx.store, c);
    ctx.events.emit(caseEvent(ArbitrationEvents.drawn, c, [['draw', String(c.draws)], ['acceptance_deadline', c.acceptanceDeadline.toString()]]));
    return picked;
  }

  /** Takes the current arbiter off the case (it will not be drawn for it again). */
  private releaseArbiter(ctx: TxContext, c: Case): void {
    const a = this.mustGetArbiter(ctx.store, c.arbiter);
    a.openCases -= 1n;
    this.setArbiter(ctx.store, a);
    ctx.store.delete(byArbiterKey(parseAddress(c.arbiter), c.id));
    c.excluded.push(c.arbiter);
  }

  /** Redraws after a rejection or a missed deadline; unwinds the order when nobody is left. */
  private async redraw(ctx: TxContext, c: Case): Promise<string> {
    const picked = await this.drawFor(ctx, c);
    if (picked !== undefined) return picked;
    c.status = CaseStatus.CASE_STATUS_UNARBITRATED;
    c.arbiter = '';
    this.setCase(ctx.store, c);
    this.orders.unwindDispute(ctx, c.orderId);
    ctx.events.emit(caseEvent(ArbitrationEvents.unarbitrated, c));
    return '';
  }

  private activate(ctx: TxContext, c: Case, silent: boolean): void {
    ctx.store.delete(deadlineKey(c.acceptanceDeadline, c.id, DeadlineKind.Acceptance));
    c.status = ACTIVE_CASE;
    c.rulingDeadline = ctx.block.timeSeconds + this.params(ctx.store).rulingSeconds;
    ctx.store.set(deadlineKey(c.rulingDeadline, c.id, DeadlineKind.Ruling), PRESENT);
    this.setCase(ctx.store, c);
    ctx.events.emit(caseEvent(ArbitrationEvents.active, c, [['ruling_deadline', c.rulingDeadline.toString()], ['by_silence', String(silent)]]));
  }

  async respond(ctx: TxContext, sender: string, caseId: bigint, accept: boolean): Promise<string> {
    const c = this.mustGetCase(ctx.store, caseId);
    const side = sender === c.buyer ? 'buyer' : sender === c.seller ? 'seller' : undefined;
    if (side === undefined) throw ErrNotParty(`${sender} is neither the buyer nor the seller of case ${caseId}`);
    if (c.status !== AWAITING) throw ErrInvalidCaseState(`case ${caseId} is not waiting for the parties to accept its arbiter`);
    const alreadyAccepted = side === 'buyer' ? c.buyerAccepted : c.sellerAccepted;
    if (alreadyAccepted) throw ErrAlreadyAccepted(`the ${side} already accepted arbiter ${c.arbiter} for case ${caseId}`);
    if (accept) {
      if (side === 'buyer') c.buyerAccepted = true;
      else c.sellerAccepted = true;
      ctx.events.emit(caseEvent(ArbitrationEvents.accepted, c, [['party', sender]]));
      if (c.buyerAccepted && c.sellerAccepted) this.activate(ctx, c, false);
      else this.setCase(ctx.store, c);
      return c.arbiter;
    }
    const max = this.params(ctx.store).maxRejections;
    const used = side === 'buyer' ? c.buyerRejections : c.sellerRejections;
    if (used >= max) throw ErrNoRejectionsLeft(`the ${side} of case ${caseId} used all ${max} rejections`);
    if (side === 'buyer') c.buyerRejections += 1;
    else c.sellerRejections += 1;
    ctx.events.emit(caseEvent(ArbitrationEvents.rejected, c, [['party', sender]]));
    ctx.store.delete(deadlineKey(c.acceptanceDeadline, c.id, DeadlineKind.Acceptance));
    this.releaseArbiter(ctx, c);
    return this.redraw(ctx, c);
  }

  async rule(ctx: TxContext, sender: string, caseId: bigint, input: RulingInput): Promise<void> {
    const c = this.mustGetCase(ctx.store, caseId);
    if (sender !== c.arbiter) throw ErrNotArbiter(`only ${c.arbiter || 'the assigned arbiter'} may rule on case ${caseId}`);
    if (c.status !== ACTIVE_CASE) throw ErrInvalidCaseState(`case ${caseId} is not active; both sides must accept the arbiter first`);
    if (input.reasoningHash.length > 64) throw ErrTextTooLong('reasoning_hash is longer than 64 bytes');
    if (Buffer.byteLength(input.reasoningUri, 'utf8') > 512) throw ErrTextTooLong('reasoning_uri is longer than 512 bytes');
    const { price, deposit } = this.orders.amountsOf(ctx.store, c.orderId);
    let sellerAmount: bigint;
    let buyerFee: bigint;
    if (input.outcome !== Outcome.OUTCOME_SPLIT && input.sellerAmount !== '' && input.sellerAmount !== '0') {
      throw ErrInvalidOutcome('seller_amount is only for a SPLIT; leave it empty for BUYER_WINS or SELLER_WINS');
    }
    switch (input.outcome) {
      case Outcome.OUTCOME_BUYER_WINS:
        sellerAmount = 0n;
        buyerFee = 0n;
        break;
      case Outcome.OUTCOME_SELLER_WINS:
        sellerAmount = price;
        buyerFee = deposit;
        break;
      case Outcome.OUTCOME_SPLIT: {
        sellerAmount = parseAmount(input.sellerAmount, 'seller_amount');
        if (sellerAmount === 0n || sellerAmount >= price) {
          throw ErrInvalidOutcome(`a split gives the seller strictly between 0 and the price ${price}; got ${sellerAmount}`);
        }
        // Each side pays the arbiter in proportion to what it lost: the buyer the share of the
        // price that went to the seller, the seller the rest; together one deposit.
        buyerFee = (deposit * sellerAmount) / price;
        break;
      }
      default:
        throw ErrInvalidOutcome('outcome must be BUYER_WINS, SELLER_WINS or SPLIT');
    }
    const sellerFee = deposit - buyerFee;
    this.orders.resolveDispute(ctx, c.orderId, { sellerAmount, buyerFee, sellerFee, arbiter: c.arbiter });
    ctx.store.delete(deadlineKey(c.rulingDeadline, c.id, DeadlineKind.Ruling));
    ctx.store.delete(byArbiterKey(parseAddress(c.arbiter), c.id));
    const a = this.mustGetArbiter(ctx.store, c.arbiter);
    a.openCases -= 1n;
    a.ruledCases += 1n;
    this.setArbiter(ctx.store, a);
    c.status = CaseStatus.CASE_STATUS_RULED;
    c.ruling = {
      outcome: input.outcome,
      sellerAmount: sellerAmount.toString(),
      buyerFee: buyerFee.toString(),
      sellerFee: sellerFee.toString(),
      reasoningHash: input.reasoningHash,
      reasoningUri: input.reasoningUri,
      ruledAt: ctx.block.timeSeconds,
    };
    this.setCase(ctx.store, c);
    ctx.events.emit(
      caseEvent(ArbitrationEvents.ruled, c, [
        ['outcome', (Outcome[input.outcome] ?? '').replace(/^OUTCOME_/, '').toLowerCase()],
        ['seller_amount', sellerAmount.toString()],
        ['arbiter_fee', deposit.toString()],
      ]),
    );
    this.hooks?.onCaseRuled(ctx, { arbiter: c.arbiter, caseId: c.id, orderId: c.orderId, orderValue: price });
  }

  /** A missed ruling deadline: part of the bond is burned, the case goes to a new arbiter. */
  private async missedDeadline(ctx: TxContext, c: Case): Promise<void> {
    const params = this.params(ctx.store);
    const a = this.mustGetArbiter(ctx.store, c.arbiter);
    const bond = BigInt(a.bond);
    const penalty = (bond * BigInt(params.missedDeadlineSlashBps)) / 10_000n;
    if (penalty > 0n) this.bank.burn(ctx, penalty);
    a.bond = (bond - penalty).toString();
    a.missedDeadlines += 1n;
    if (bond - penalty < BigInt(params.minBond) && a.status === ArbiterStatus.ARBITER_STATUS_ACTIVE) {
      a.status = ArbiterStatus.ARBITER_STATUS_INACTIVE;
    }
    this.setArbiter(ctx.store, a);
    ctx.events.emit(caseEvent(ArbitrationEvents.missed, c, [['penalty', penalty.toString()], ['bond', a.bond]]));
    const { price } = this.orders.amountsOf(ctx.store, c.orderId);
    this.hooks?.onDeadlineMissed(ctx, { arbiter: c.arbiter, caseId: c.id, orderId: c.orderId, orderValue: price });
    this.releaseArbiter(ctx, c);
    await this.redraw(ctx, c);
  }

  async endBlock(ctx: TxContext): Promise<void> {
    const params = this.params(ctx.store);
    const now = ctx.block.timeSeconds;
    let budget = params.maxTimedTransitionsPerBlock;
    const due: { caseId: bigint; kind: DeadlineKind; key: Uint8Array }[] = [];
    const end = concat(DEADLINE_QUEUE_PREFIX, uint64BE(now + 1n));
    for await (const [key] of ctx.store.iterate({ gte: DEADLINE_QUEUE_PREFIX, lt: end, limit: budget })) due.push({ ...parseDeadlineKey(key), key });
    for (const d of due) {
      ctx.store.delete(d.key);
      const c = this.mustGetCase(ctx.store, d.caseId);
      if (d.kind === DeadlineKind.Acceptance && c.status === AWAITING) this.activate(ctx, c, true);
      else if (d.kind === DeadlineKind.Ruling && c.status === ACTIVE_CASE) await this.missedDeadline(ctx, c);
      else throw new Error(`deadline queue holds case ${c.id} (kind ${d.kind}) in state ${c.status}`);
    }
    budget -= due.length;
    if (budget <= 0) return;
    const unbondEnd = concat(UNBOND_QUEUE_PREFIX, uint64BE(now + 1n));
    const leaving: { key: Uint8Array; address: string }[] = [];
    for await (const [key] of ctx.store.iterate({ gte: UNBOND_QUEUE_PREFIX, lt: unbondEnd, limit: budget })) {
      leaving.push({ key, address: toAddress(key.subarray(UNBOND_QUEUE_PREFIX.length + 8)) });
    }
    for (const l of leaving) {
      ctx.store.delete(l.key);
      const a = this.mustGetArbiter(ctx.store, l.address);
      if (a.openCases > 0n) throw new Error(`leaving arbiter ${a.address} still holds ${a.openCases} case(s)`);
      this.bank.release(ctx, parseAddress(a.address), BigInt(a.bond));
      ctx.store.delete(arbiterKey(parseAddress(a.address)));
      ctx.events.emit(arbiterEvent(ArbitrationEvents.unbonded, a.address, [['bond', a.bond]]));
    }
  }
}
