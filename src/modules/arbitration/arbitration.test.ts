// arbitration through ABCI, in process: the bonded pool, the deterministic draw and whom it
// excludes, acceptance by the parties (and by silence), rulings with their exact fees, missed
// deadlines with their penalty, and the unwinding of cases nobody can arbitrate. The app checks
// every module invariant after every block; each test also compares the module accounts with
// the bonds and the orders.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { ArbiterStatus, CaseStatus, Outcome } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import { MsgRespondToArbiterResponse, MsgUnbondArbiterResponse } from '../../generated/cybermiles/arbitration/v1/tx.js';
import { OrderStatus } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { MsgCreateOrderResponse, MsgRaiseDisputeResponse } from '../../generated/cybermiles/escrow/v1/tx.js';
import { parseAddress } from '../auth/address.js';
import { ARBITRATION_ADDRESS, blockHashOf, ESCROW_ADDRESS, msg, msgResponse, TestChain, type ChainOptions } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { compareBytes } from '../../util/bytes.js';
import { drawSeed, weightedPick } from './draw.js';

const PARAMS = {
  minBond: '1000',
  unbondingSeconds: 100n,
  acceptanceSeconds: 50n,
  rulingSeconds: 200n,
  maxRejections: 2,
  missedDeadlineSlashBps: 1000,
  maxTimedTransitionsPerBlock: 1000,
};
const PRICE = 1_000_000n;
const DEPOSIT = 100_000n;
const BUYER = 0;
const SELLER = 1;
const OTHER = 2;
/** Wallet accounts 3..8 serve as arbiters. */
const ARB = [3, 4, 5, 6, 7, 8] as const;

let w: TestWallet;
let c: TestChain;
let buyer: string;
let seller: string;
let other: string;

beforeAll(async () => {
  w = await createTestWallet(9);
  buyer = w.at(BUYER).address;
  seller = w.at(SELLER).address;
  other = w.at(OTHER).address;
});

function options(extra: Partial<typeof PARAMS> = {}): ChainOptions {
  return { arbitrationParams: { ...PARAMS, ...extra } };
}

async function start(extra: Partial<typeof PARAMS> = {}): Promise<void> {
  c = await TestChain.start(w, options(extra));
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  expect(c.escrowBalance()).toBe(await c.lockedByOrders());
  expect(c.arbitrationBalance()).toBe(await c.bonds());
  await c.close();
});

function expectCode(r: ExecTxResult, codespace: string, code: number): void {
  expect({ codespace: r.codespace, code: r.code }, r.log).toEqual({ codespace, code });
}

const addr = (i: number): string => w.at(i).address;
function indexOf(address: string): number {
  const i = w.accounts.findIndex((a) => a.address === address);
  if (i < 0) throw new Error(`${address} is not a wallet account`);
  return i;
}

async function register(i: number, bond: bigint | string): Promise<void> {
  await c.ok(i, msg.register(addr(i), bond));
}

async function openAccepted(o: { price?: bigint; deposit?: bigint; buyerIdx?: number; sellerIdx?: number; window?: bigint } = {}): Promise<bigint> {
  const b = o.buyerIdx ?? BUYER;
  const s = o.sellerIdx ?? SELLER;
  const deposit = o.deposit ?? DEPOSIT;
  const r = await c.ok(
    b,
    msg.createOrder({
      buyer: addr(b),
      seller: addr(s),
      price: (o.price ?? PRICE).toString(),
      deposit: deposit.toString(),
      itemUri: 'ipfs://item',
      deliveryDeadline: c.now + 10_000n,
      disputeWindowSeconds: o.window ?? 1_000n,
    }),
  );
  const id = msgResponse(r, MsgCreateOrderResponse).orderId;
  await c.ok(s, msg.accept(addr(s), id, deposit));
  return id;
}

async function openShipped(o: Parameters<typeof openAccepted>[0] = {}): Promise<bigint> {
  const id = await openAccepted(o);
  await c.ok(o?.sellerIdx ?? SELLER, msg.ship(addr(o?.sellerIdx ?? SELLER), id));
  return id;
}

/** Opens, accepts and disputes an order; returns the order, its case and the drawn arbiter's wallet index. */
async function disputed(o: Parameters<typeof openAccepted>[0] = {}, hash?: Uint8Array): Promise<{ orderId: bigint; caseId: bigint; arbiter: number }> {
  const orderId = await openAccepted(o);
  const r = await c.ok(o?.buyerIdx ?? BUYER, msg.dispute(addr(o?.buyerIdx ?? BUYER), orderId), hash === undefined ? {} : { hash });
  const res = msgResponse(r, MsgRaiseDisputeResponse);
  return { orderId, caseId: res.caseId, arbiter: indexOf(res.arbiter) };
}

/** Both parties accept the arbiter: the case becomes active. */
async function activate(caseId: bigint): Promise<void> {
  await c.ok(BUYER, msg.respond(buyer, caseId, true));
  await c.ok(SELLER, msg.respond(seller, caseId, true));
  expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
}

function eventAttrs(events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[], type: string): Record<string, string>[] {
  return events.filter((e) => e.type === type).map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

/** The draw as the keeper should make it: active, unrelated arbiters in address-byte order, weighted by bond. */
function expectedPick(pool: ReadonlyArray<{ index: number; bond: bigint }>, hash: Uint8Array, caseId: bigint, draw: number): number {
  const sorted = [...pool].sort((x, y) => compareBytes(parseAddress(addr(x.index)), parseAddress(addr(y.index))));
  const picked = weightedPick(
    sorted.map((p) => ({ address: addr(p.index), weight: p.bond })),
    drawSeed(hash, caseId, draw),
  );
  if (picked === undefined) throw new Error('empty pool');
  return indexOf(picked);
}

describe('the pool', () => {
  it('registers with at least min_bond, locks the bond, and tops it up', async () => {
    const a = ARB[0];
    const [b0, m0] = c.balances([addr(a), ARBITRATION_ADDRESS]);
    expectCode(await c.exec(a, msg.register(addr(a), 999n)), 'arbitration', 3);
    expectCode(await c.exec(a, msg.register(addr(a), 0n)), 'arbitration', 3);
    expectCode(await c.exec(a, msg.register(addr(a), '-5')), 'sdk', 10);
    expect(c.balances([addr(a), ARBITRATION_ADDRESS])).toEqual([b0, m0]);
    expect(c.arbiter(addr(a))).toBeUndefined();

    await register(a, 1000n);
    const registeredAt = c.now;
    expect(c.arbiter(addr(a))).toMatchObject({ address: addr(a), bond: '1000', status: ArbiterStatus.ARBITER_STATUS_ACTIVE, registeredAt, openCases: 0n });
    expect(c.balances([addr(a), ARBITRATION_ADDRESS])).toEqual([b0! - 1000n, m0! + 1000n]);

    // A top-up below the minimum is fine once the total is above it; zero is not.
    await register(a, 1n);
    expectCode(await c.exec(a, msg.register(addr(a), 0n)), 'arbitration', 3);
    expect(c.arbiter(addr(a))).toMatchObject({ bond: '1001', registeredAt });
    expect(c.balances([addr(a), ARBITRATION_ADDRESS])).toEqual([b0! - 1001n, m0! + 1001n]);
  });

  it('limits terms text, and refuses a bond the arbiter does not have', async () => {
    const a = ARB[0];
    expectCode(await c.exec(a, msg.register(addr(a), 1000n, 'u'.repeat(513))), 'arbitration', 14);
    expectCode(await c.exec(a, msg.register(addr(a), 1000n, 'u', new Uint8Array(65))), 'arbitration', 14);
    await c.ok(a, msg.register(addr(a), 1000n, 'u'.repeat(512), new Uint8Array(64)));
    expectCode(await c.exec(ARB[1], msg.register(addr(ARB[1]), c.balance(addr(ARB[1])) + 1n)), 'sdk', 5);
  });

  it('refuses to unbond with open cases; returns the bond exactly at unbond_at and removes the arbiter', async () => {
    const a = ARB[0];
    await register(a, 5000n);
    const { caseId } = await disputed();
    expect(c.arbiter(addr(a))?.openCases).toBe(1n);
    expectCode(await c.exec(a, msg.unbond(addr(a))), 'arbitration', 4);
    await activate(caseId);
    expectCode(await c.exec(a, msg.unbond(addr(a))), 'arbitration', 4);
    await c.ok(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SELLER_WINS));
    expect(c.arbiter(addr(a))?.openCases).toBe(0n);

    const [b0, m0] = c.balances([addr(a), ARBITRATION_ADDRESS]);
    const r = await c.ok(a, msg.unbond(addr(a)));
    const unbondAt = msgResponse(r, MsgUnbondArbiterResponse).unbondAt;
    expect(unbondAt).toBe(c.now + 100n);
    expect(c.arbiter(addr(a))).toMatchObject({ status: ArbiterStatus.ARBITER_STATUS_LEAVING, unbondAt });
    expectCode(await c.exec(a, msg.unbond(addr(a))), 'arbitration', 5);
    expectCode(await c.exec(a, msg.register(addr(a), 1000n)), 'arbitration', 5);
    // A leaving arbiter is not drawn.
    const o = await openAccepted();
    expectCode(await c.exec(BUYER, msg.dispute(buyer, o)), 'arbitration', 12);

    await c.block([], { time: unbondAt - 1n });
    expect(c.arbiter(addr(a))?.status).toBe(ArbiterStatus.ARBITER_STATUS_LEAVING);
    // Only the bond moves: the arbiter's balance is unchanged by the refused txs (no fees).
    expect(c.balances([addr(a), ARBITRATION_ADDRESS])).toEqual([b0, m0]);
    const res = await c.block([], { time: unbondAt });
    expect(c.arbiter(addr(a))).toBeUndefined();
    expect(c.balances([addr(a), ARBITRATION_ADDRESS])).toEqual([b0! + 5000n, m0! - 5000n]);
    expect(eventAttrs(res.events, 'arbitration_arbiter_unbonded')).toEqual([{ arbiter: addr(a), bond: '5000' }]);

    // It may join again afresh.
    await register(a, 1000n);
    expect(c.arbiter(addr(a))).toMatchObject({ bond: '1000', status: ArbiterStatus.ARBITER_STATUS_ACTIVE, ruledCases: 0n, registeredAt: c.now });
  });

  it('refuses to unbond an unknown arbiter', async () => {
    expectCode(await c.exec(OTHER, msg.unbond(other)), 'arbitration', 2);
  });

  it('makes an arbiter INACTIVE when a penalty takes its bond below min_bond, and a top-up re-activates it', async () => {
    const a = ARB[0];
    await register(a, 1000n);
    const { caseId, orderId } = await disputed();
    await activate(caseId);
    const supply = c.supply();
    const deadline = c.case(caseId).rulingDeadline;
    await c.block([], { time: deadline });
    // 10% of 1000 burned; nobody else to draw: the case is unarbitrated and the order unwound.
    expect(c.arbiter(addr(a))).toMatchObject({ bond: '900', status: ArbiterStatus.ARBITER_STATUS_INACTIVE, missedDeadlines: 1n, openCases: 0n });
    expect(c.supply()).toBe(supply - 100n);
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_UNARBITRATED);
    expect(c.order(orderId).status).toBe(OrderStatus.ORDER_STATUS_RESOLVED);

    // Inactive arbiters are not drawn.
    const o = await openAccepted();
    expectCode(await c.exec(BUYER, msg.dispute(buyer, o)), 'arbitration', 12);
    // A top-up that leaves the bond below the minimum is refused; one that reaches it re-activates.
    expectCode(await c.exec(a, msg.register(addr(a), 99n)), 'arbitration', 3);
    expect(c.arbiter(addr(a))?.status).toBe(ArbiterStatus.ARBITER_STATUS_INACTIVE);
    await register(a, 100n);
    expect(c.arbiter(addr(a))).toMatchObject({ bond: '1000', status: ArbiterStatus.ARBITER_STATUS_ACTIVE, missedDeadlines: 1n });
    const r = await c.ok(BUYER, msg.dispute(buyer, o));
    expect(msgResponse(r, MsgRaiseDisputeResponse).arbiter).toBe(addr(a));
  });

  it('lets an INACTIVE arbiter leave', async () => {
    const a = ARB[0];
    await register(a, 1000n);
    const { caseId } = await disputed();
    await activate(caseId);
    await c.block([], { time: c.case(caseId).rulingDeadline });
    expect(c.arbiter(addr(a))?.status).toBe(ArbiterStatus.ARBITER_STATUS_INACTIVE);
    const before = c.balance(addr(a));
    const unbondAt = msgResponse(await c.ok(a, msg.unbond(addr(a))), MsgUnbondArbiterResponse).unbondAt;
    await c.block([], { time: unbondAt });
    expect(c.arbiter(addr(a))).toBeUndefined();
    expect(c.balance(addr(a))).toBe(before + 900n);
  });
});

describe('the draw', () => {
  const bonds = [1000n, 3000n, 7000n, 2000n];

  it('follows the block hash: the pick equals the weighted draw over the active pool in address order', async () => {
    const pool = bonds.map((bond, i) => ({ index: ARB[i]!, bond }));
    for (const p of pool) await register(p.index, p.bond);
    const seen = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const hash = blockHashOf(BigInt(i), 'draw');
      const { caseId, arbiter } = await disputed({}, hash);
      expect(arbiter).toBe(expectedPick(pool, hash, caseId, 1));
      expect(c.case(caseId)).toMatchObject({ draws: 1, arbiter: addr(arbiter), status: CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE });
      seen.add(arbiter);
      // Weights change with open cases? No: bonds only. Keep the pool the same for the next draw.
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('is the same on two apps given the same block hash (and their app hashes agree)', async () => {
    const other = await TestChain.start(w, options());
    try {
      const run = async (chain: TestChain, hash: Uint8Array): Promise<{ arbiter: string; appHash: Uint8Array }> => {
        const saved = c;
        c = chain;
        try {
          for (const [i, bond] of bonds.entries()) await register(ARB[i]!, bond);
          const orderId = await openAccepted();
          const r = await chain.block([await chain.tx(BUYER, [msg.dispute(buyer, orderId)])], { hash });
          const first = r.txResults[0];
          if (first === undefined || first.code !== 0) throw new Error(`dispute failed: ${first?.log}`);
          return { arbiter: msgResponse(first, MsgRaiseDisputeResponse).arbiter, appHash: r.appHash };
        } finally {
          c = saved;
        }
      };
      const hash = blockHashOf(42n, 'same');
      const a = await run(c, hash);
      const b = await run(other, hash);
      expect(b.arbiter).toBe(a.arbiter);
      expect(Buffer.from(b.appHash).toString('hex')).toBe(Buffer.from(a.appHash).toString('hex'));
    } finally {
      expect(other.arbitrationBalance()).toBe(await other.bonds());
      await other.close();
    }
  });

  it('never draws the parties themselves', async () => {
    await register(BUYER, 1_000_000n);
    await register(SELLER, 1_000_000n);
    const o = await openAccepted();
    const before = c.balances([buyer, seller, ESCROW_ADDRESS]);
    expectCode(await c.exec(BUYER, msg.dispute(buyer, o)), 'arbitration', 12);
    expect(c.balances([buyer, seller, ESCROW_ADDRESS])).toEqual(before);
    await register(ARB[0], 1000n);
    for (let i = 0; i < 3; i++) {
      const o2 = await openAccepted();
      const r = await c.ok(BUYER, msg.dispute(buyer, o2), { hash: blockHashOf(BigInt(i), 'parties') });
      expect(msgResponse(r, MsgRaiseDisputeResponse).arbiter).toBe(addr(ARB[0]));
    }
  });

  it('never draws an arbiter who traded with the buyer or the seller', async () => {
    const x = ARB[0];
    const y = ARB[1];
    await register(x, 1_000_000n);
    await register(y, 1_000_000n);
    // x once sold to the buyer; y once bought from the seller.
    await openAccepted({ sellerIdx: x, price: 10n, deposit: 1n });
    await openAccepted({ buyerIdx: y, price: 10n, deposit: 1n });
    const o = await openAccepted();
    const before = c.balances([buyer, seller, ESCROW_ADDRESS]);
    expectCode(await c.exec(BUYER, msg.dispute(buyer, o)), 'arbitration', 12);
    expect(c.order(o).status).toBe(OrderStatus.ORDER_STATUS_ACCEPTED);
    expect(c.balances([buyer, seller, ESCROW_ADDRESS])).toEqual(before);
    // Another pair of traders may still use them.
    const o2 = await openAccepted({ buyerIdx: OTHER, sellerIdx: ARB[5] });
    const r = await c.ok(OTHER, msg.dispute(other, o2));
    expect([addr(x), addr(y)]).toContain(msgResponse(r, MsgRaiseDisputeResponse).arbiter);
  });

  it('never draws an excluded arbiter again for the same case', async () => {
    await register(ARB[0], 1000n);
    await register(ARB[1], 1000n);
    await register(ARB[2], 1000n);
    const { caseId, arbiter: first } = await disputed();
    const r = await c.ok(BUYER, msg.respond(buyer, caseId, false));
    const second = indexOf(msgResponse(r, MsgRespondToArbiterResponse).arbiter);
    expect(second).not.toBe(first);
    expect(c.case(caseId)).toMatchObject({ draws: 2, excluded: [addr(first)], buyerRejections: 1, status: CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE });
    const r2 = await c.ok(SELLER, msg.respond(seller, caseId, false));
    const third = indexOf(msgResponse(r2, MsgRespondToArbiterResponse).arbiter);
    expect([first, second]).not.toContain(third);
    expect(c.case(caseId)).toMatchObject({ draws: 3, excluded: [addr(first), addr(second)], sellerRejections: 1 });
    // Released arbiters hold no open case.
    expect([first, second, third].map((i) => c.arbiter(addr(i))?.openCases)).toEqual([0n, 0n, 1n]);
  });

  it('fails MsgRaiseDispute with ErrNoArbiter when the pool is empty, leaving the order and its funds untouched', async () => {
    const a = await openAccepted();
    const s = await openShipped();
    const before = c.balances([buyer, seller, ESCROW_ADDRESS]);
    const orders = [c.order(a), c.order(s)];
    const r1 = await c.exec(BUYER, msg.dispute(buyer, a));
    expectCode(r1, 'arbitration', 12);
    expect(r1.log).toContain('no eligible arbiter');
    expectCode(await c.exec(SELLER, msg.dispute(seller, s)), 'arbitration', 12);
    expect([c.order(a), c.order(s)]).toEqual(orders);
    expect(c.balances([buyer, seller, ESCROW_ADDRESS])).toEqual(before);
    expect(c.keepers.arbitration.nextCaseId(c.store)).toBe(1n);
    // The shipped order is still in the release queue.
    await c.block([], { time: c.order(s).releaseAt });
    expect(c.order(s).status).toBe(OrderStatus.ORDER_STATUS_COMPLETED);
    expect(c.order(a).status).toBe(OrderStatus.ORDER_STATUS_ACCEPTED);
  });
});

describe('acceptance', () => {
  it('activates by silence exactly at the acceptance deadline', async () => {
    await register(ARB[0], 1000n);
    const { caseId } = await disputed();
    const deadline = c.case(caseId).acceptanceDeadline;
    expect(deadline).toBe(c.now + 50n);
    await c.block([], { time: deadline - 1n });
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE);
    const res = await c.block([], { time: deadline });
    expect(c.case(caseId)).toMatchObject({ status: CaseStatus.CASE_STATUS_ACTIVE, rulingDeadline: deadline + 200n, buyerAccepted: false, sellerAccepted: false });
    expect(eventAttrs(res.events, 'arbitration_case_active')[0]).toMatchObject({ case_id: caseId.toString(), by_silence: 'true' });
  });

  it('activates by silence when only one side accepted; at once when both did', async () => {
    await register(ARB[0], 1000n);
    const one = await disputed();
    const both = await disputed();
    await c.ok(SELLER, msg.respond(seller, one.caseId, true));
    expect(c.case(one.caseId)).toMatchObject({ sellerAccepted: true, status: CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE });
    await activate(both.caseId);
    expect(c.case(both.caseId).rulingDeadline).toBe(c.now + 200n);
    const oneDeadline = c.case(one.caseId).acceptanceDeadline;
    const bothDeadline = c.case(both.caseId).acceptanceDeadline;
    // Passing the acceptance deadline of the already active case changes nothing (its queue entry is gone).
    await c.block([], { time: bothDeadline });
    expect(c.case(both.caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
    expect(c.case(one.caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
    expect(oneDeadline).toBeLessThanOrEqual(bothDeadline);
  });

  it('refuses responses from non-parties, twice-accepting, spent rejections, and after activation', async () => {
    await c.close();
    await start({ maxRejections: 1 });
    for (const i of ARB.slice(0, 4)) await register(i, 1000n);
    const { caseId } = await disputed();
    expectCode(await c.exec(OTHER, msg.respond(other, caseId, true)), 'arbitration', 8);
    expectCode(await c.exec(BUYER, msg.respond(buyer, 99n, true)), 'arbitration', 6);
    await c.ok(BUYER, msg.respond(buyer, caseId, true));
    expectCode(await c.exec(BUYER, msg.respond(buyer, caseId, true)), 'arbitration', 13);
    expectCode(await c.exec(BUYER, msg.respond(buyer, caseId, false)), 'arbitration', 13);
    await c.ok(SELLER, msg.respond(seller, caseId, false)); // a new arbiter: both must accept again
    expect(c.case(caseId)).toMatchObject({ buyerAccepted: false, sellerAccepted: false, sellerRejections: 1 });
    expectCode(await c.exec(SELLER, msg.respond(seller, caseId, false)), 'arbitration', 10);
    await c.ok(BUYER, msg.respond(buyer, caseId, false));
    expectCode(await c.exec(BUYER, msg.respond(buyer, caseId, false)), 'arbitration', 10);
    await activate(caseId);
    expectCode(await c.exec(BUYER, msg.respond(buyer, caseId, false)), 'arbitration', 7);
  });
});

describe('the end-block budget', () => {
  it('runs at most max_timed_transitions_per_block deadlines per block, in deadline then case order, unbonding last', async () => {
    await c.close();
    await start({ maxTimedTransitionsPerBlock: 1 });
    await register(ARB[0], 1000n);
    await register(ARB[1], 1000n);
    const first = await openAccepted();
    const second = await openAccepted();
    // Both disputes in one block: the same acceptance deadline.
    const res = await c.block([await c.tx(BUYER, [msg.dispute(buyer, first)]), await c.tx(SELLER, [msg.dispute(seller, second)])]);
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0]);
    const deadline = c.case(1n).acceptanceDeadline;
    expect(c.case(2n).acceptanceDeadline).toBe(deadline);
    // An arbiter with no case leaves, its bond due at the same time.
    await register(ARB[2], 1000n);
    await c.block([], { time: deadline - 100n });
    await c.ok(ARB[2], msg.unbond(addr(ARB[2])), { time: deadline - 100n + 1n });
    const unbondAt = c.arbiter(addr(ARB[2]))!.unbondAt;
    expect(unbondAt).toBe(deadline + 1n);

    const status = (): CaseStatus[] => [c.case(1n).status, c.case(2n).status];
    const AW = CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE;
    const AC = CaseStatus.CASE_STATUS_ACTIVE;
    await c.block([], { time: deadline + 5n });
    expect(status()).toEqual([AC, AW]);
    expect(c.arbiter(addr(ARB[2]))).toBeDefined();
    await c.block([], { time: deadline + 6n });
    expect(status()).toEqual([AC, AC]);
    // The budget went to the second case: the bond waits one more block.
    expect(c.arbiter(addr(ARB[2]))?.status).toBe(ArbiterStatus.ARBITER_STATUS_LEAVING);
    await c.block([], { time: deadline + 7n });
    expect(c.arbiter(addr(ARB[2]))).toBeUndefined();
  });
});

describe('unarbitrated cases', () => {
  it('unwinds the order when the last eligible arbiter is rejected: buyer gets price+deposit, seller its deposit', async () => {
    await register(ARB[0], 1000n);
    const [b0, s0, e0] = c.balances([buyer, seller, ESCROW_ADDRESS]);
    const { caseId, orderId } = await disputed();
    const r = await c.ok(SELLER, msg.respond(seller, caseId, false));
    expect(msgResponse(r, MsgRespondToArbiterResponse).arbiter).toBe('');
    expect(c.case(caseId)).toMatchObject({ status: CaseStatus.CASE_STATUS_UNARBITRATED, arbiter: '', excluded: [addr(ARB[0])] });
    expect(c.order(orderId)).toMatchObject({ status: OrderStatus.ORDER_STATUS_RESOLVED, closedAt: c.now });
    expect(c.balances([buyer, seller, ESCROW_ADDRESS])).toEqual([b0, s0, e0]);
    expect(c.arbiter(addr(ARB[0]))?.openCases).toBe(0n);
    expect(eventAttrs(r.events, 'escrow_order_resolved')[0]).toMatchObject({ unwound: 'true' });
    expect(eventAttrs(r.events, 'arbitration_case_unarbitrated')).toHaveLength(1);
    // Nothing more happens at the old deadlines.
    await c.block([], { time: c.now + 1_000n });
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_UNARBITRATED);
    expectCode(await c.exec(BUYER, msg.respond(buyer, caseId, true)), 'arbitration', 7);
  });

  it('unwinds the order when the last eligible arbiter misses its ruling deadline', async () => {
    await register(ARB[0], 1000n);
    const [b0, s0, e0] = c.balances([buyer, seller, ESCROW_ADDRESS]);
    const { caseId, orderId } = await disputed();
    await activate(caseId);
    await c.block([], { time: c.case(caseId).rulingDeadline });
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_UNARBITRATED);
    expect(c.order(orderId).status).toBe(OrderStatus.ORDER_STATUS_RESOLVED);
    expect(c.balances([buyer, seller, ESCROW_ADDRESS])).toEqual([b0, s0, e0]);
  });
});

describe('the ruling deadline', () => {
  it('burns exactly bond*bps/10000 of the late arbiter (supply shrinks by that) and redraws', async () => {
    const pool = [
      { index: ARB[0], bond: 1999n },
      { index: ARB[1], bond: 2345n },
      { index: ARB[2], bond: 1001n },
    ];
    for (const p of pool) await register(p.index, p.bond);
    const { caseId, arbiter } = await disputed();
    await activate(caseId);
    const bond = pool.find((p) => p.index === arbiter)!.bond;
    const penalty = (bond * 1000n) / 10_000n;
    const deadline = c.case(caseId).rulingDeadline;
    const [supply, held] = [c.supply(), c.arbitrationBalance()];

    await c.block([], { time: deadline - 1n });
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
    const hash = blockHashOf(999n, 'late');
    const res = await c.block([], { time: deadline, hash });
    expect(c.supply()).toBe(supply - penalty);
    expect(c.arbitrationBalance()).toBe(held - penalty);
    expect(c.arbiter(addr(arbiter))).toMatchObject({ bond: (bond - penalty).toString(), missedDeadlines: 1n, openCases: 0n, status: ArbiterStatus.ARBITER_STATUS_ACTIVE });
    expect(eventAttrs(res.events, 'arbitration_deadline_missed')[0]).toMatchObject({ penalty: penalty.toString(), bond: (bond - penalty).toString() });

    const redrawn = c.case(caseId);
    const rest = pool.filter((p) => p.index !== arbiter);
    expect(redrawn).toMatchObject({
      status: CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE,
      draws: 2,
      excluded: [addr(arbiter)],
      acceptanceDeadline: deadline + 50n,
      rulingDeadline: 0n,
      arbiter: addr(expectedPick(rest, hash, caseId, 2)),
    });
    // The late arbiter can no longer rule.
    expectCode(await c.exec(arbiter, msg.rule(addr(arbiter), caseId, Outcome.OUTCOME_BUYER_WINS)), 'arbitration', 9);
  });

  it('lets the arbiter rule in the block at its deadline (txs run before end-block)', async () => {
    await register(ARB[0], 1000n);
    const { caseId } = await disputed();
    await activate(caseId);
    const supply = c.supply();
    await c.ok(ARB[0], msg.rule(addr(ARB[0]), caseId, Outcome.OUTCOME_BUYER_WINS), { time: c.case(caseId).rulingDeadline });
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_RULED);
    expect(c.supply()).toBe(supply);
  });
});

describe('rulings', () => {
  async function ruled(
    price: bigint,
    deposit: bigint,
    outcome: Outcome,
    sellerAmount: bigint | string = '',
  ): Promise<{ buyer: bigint; seller: bigint; arbiter: bigint; caseId: bigint }> {
    const a = ARB[0];
    if (c.arbiter(addr(a)) === undefined) await register(a, 1000n);
    const { caseId } = await disputed({ price, deposit });
    await activate(caseId);
    const [b0, s0, a0] = c.balances([buyer, seller, addr(a)]);
    const r = await c.ok(a, msg.rule(addr(a), caseId, outcome, sellerAmount));
    expect(eventAttrs(r.events, 'arbitration_case_ruled')[0]).toMatchObject({ arbiter_fee: deposit.toString() });
    const [b1, s1, a1] = c.balances([buyer, seller, addr(a)]);
    return { buyer: b1! - b0!, seller: s1! - s0!, arbiter: a1! - a0!, caseId };
  }

  it('refuses a seller_amount with BUYER_WINS or SELLER_WINS (it is only for a split)', async () => {
    const a = ARB[0];
    if (c.arbiter(addr(a)) === undefined) await register(a, 1000n);
    const { caseId } = await disputed({ price: PRICE, deposit: DEPOSIT });
    await activate(caseId);
    for (const outcome of [Outcome.OUTCOME_BUYER_WINS, Outcome.OUTCOME_SELLER_WINS]) {
      const r = await c.exec(a, msg.rule(addr(a), caseId, outcome, '123'));
      expect({ codespace: r.codespace, code: r.code }, r.log).toEqual({ codespace: 'arbitration', code: 11 });
    }
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
  });

  it('BUYER_WINS: price and deposit back to the buyer, the seller deposit to the arbiter', async () => {
    const d = await ruled(PRICE, DEPOSIT, Outcome.OUTCOME_BUYER_WINS);
    expect(d).toMatchObject({ buyer: PRICE + DEPOSIT, seller: 0n, arbiter: DEPOSIT });
    expect(c.case(d.caseId).ruling).toMatchObject({ outcome: Outcome.OUTCOME_BUYER_WINS, sellerAmount: '0', buyerFee: '0', sellerFee: DEPOSIT.toString(), ruledAt: c.now });
    expect(c.arbiter(addr(ARB[0]))).toMatchObject({ openCases: 0n, ruledCases: 1n });
  });

  it('SELLER_WINS: price and deposit to the seller, the buyer deposit to the arbiter', async () => {
    const d = await ruled(PRICE, DEPOSIT, Outcome.OUTCOME_SELLER_WINS);
    expect(d).toMatchObject({ buyer: 0n, seller: PRICE + DEPOSIT, arbiter: DEPOSIT });
    expect(c.case(d.caseId).ruling).toMatchObject({ sellerAmount: PRICE.toString(), buyerFee: DEPOSIT.toString(), sellerFee: '0' });
  });

  it.each([
    // price, deposit, seller_amount, buyer fee = floor(deposit*seller_amount/price), seller fee = deposit - buyer fee
    [3n, 1n, 1n, 0n, 1n],
    [3n, 1n, 2n, 0n, 1n],
    [10n, 3n, 7n, 2n, 1n],
    [1001n, 101n, 500n, 50n, 51n],
    [1001n, 101n, 1000n, 100n, 1n],
  ])('SPLIT price %i deposit %i seller_amount %i: buyer fee %i, seller fee %i', async (price, deposit, sellerAmount, buyerFee, sellerFee) => {
    const d = await ruled(price, deposit, Outcome.OUTCOME_SPLIT, sellerAmount);
    expect(d).toEqual({
      buyer: price - sellerAmount + deposit - buyerFee,
      seller: sellerAmount + deposit - sellerFee,
      arbiter: deposit,
      caseId: d.caseId,
    });
    expect(c.case(d.caseId).ruling).toMatchObject({ sellerAmount: sellerAmount.toString(), buyerFee: buyerFee.toString(), sellerFee: sellerFee.toString() });
  });

  it('refuses bad rulings: not the arbiter, not active, bad split, unknown outcome, long text', async () => {
    const a = ARB[0];
    await register(a, 1000n);
    const { caseId, orderId } = await disputed({ price: 100n, deposit: 10n });
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_BUYER_WINS)), 'arbitration', 7);
    await activate(caseId);
    expectCode(await c.exec(BUYER, msg.rule(buyer, caseId, Outcome.OUTCOME_BUYER_WINS)), 'arbitration', 9);
    expectCode(await c.exec(a, msg.rule(addr(a), 99n, Outcome.OUTCOME_BUYER_WINS)), 'arbitration', 6);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SPLIT, 0n)), 'arbitration', 11);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SPLIT, 100n)), 'arbitration', 11);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SPLIT, 101n)), 'arbitration', 11);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SPLIT, 'x')), 'sdk', 10);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_UNSPECIFIED)), 'arbitration', 11);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, 7 as Outcome)), 'arbitration', 11);
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_BUYER_WINS, '', 'u'.repeat(513))), 'arbitration', 14);
    expect(c.case(caseId).status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
    expect(c.order(orderId).status).toBe(OrderStatus.ORDER_STATUS_DISPUTED);
    await c.ok(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SPLIT, 99n, 'u'.repeat(512)));
    expectCode(await c.exec(a, msg.rule(addr(a), caseId, Outcome.OUTCOME_SPLIT, 99n)), 'arbitration', 7);
    // The ruling's deadline entry is gone: the deadline passes quietly.
    const supply = c.supply();
    await c.block([], { time: c.now + 1_000n });
    expect(c.supply()).toBe(supply);
    expect(c.arbiter(addr(a))).toMatchObject({ missedDeadlines: 0n, bond: '1000' });
  });

  it('accepts evidence while the case runs and none after the ruling', async () => {
    await register(ARB[0], 1000n);
    const { caseId, orderId } = await disputed();
    await c.ok(SELLER, msg.evidence(seller, orderId));
    await activate(caseId);
    await c.ok(BUYER, msg.evidence(buyer, orderId));
    await c.ok(ARB[0], msg.rule(addr(ARB[0]), caseId, Outcome.OUTCOME_SELLER_WINS));
    expectCode(await c.exec(BUYER, msg.evidence(buyer, orderId)), 'escrow', 3);
  });
});
