// escrow through ABCI, in process: every transition with its exact fund movements, the deadline
// and dispute-window edges, the bounded release queue, settlement, evidence and text limits.
// The app checks every module invariant after every block; each test also compares escrow's
// module account with the sum of what the orders lock.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { Order, OrderStatus } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { MsgCreateOrderResponse, MsgRaiseDisputeResponse } from '../../generated/cybermiles/escrow/v1/tx.js';
import { ESCROW_ADDRESS, msg, msgResponse, TestChain, type ChainOptions } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { lockedBy } from './keeper.js';

const PRICE = 1_000_000n;
const DEPOSIT = 100_000n;
const WINDOW = 100n;
const DELIVERY = 1_000n;
const BUYER = 0;
const SELLER = 1;
const OTHER = 2;
const ARBITER = 3;

let w: TestWallet;
let c: TestChain;
let buyer: string;
let seller: string;
let other: string;

beforeAll(async () => {
  w = await createTestWallet(6);
  buyer = w.at(BUYER).address;
  seller = w.at(SELLER).address;
  other = w.at(OTHER).address;
});

async function start(opts: ChainOptions = {}): Promise<void> {
  c = await TestChain.start(w, opts);
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  expect(c.escrowBalance()).toBe(await c.lockedByOrders());
  await c.close();
});

function expectCode(r: ExecTxResult, codespace: string, code: number): void {
  expect({ codespace: r.codespace, code: r.code }, r.log).toEqual({ codespace, code });
}

/** Buyer, seller, escrow account, third party. */
function funds(): bigint[] {
  return c.balances([buyer, seller, ESCROW_ADDRESS, other]);
}

interface OpenOpts {
  price?: bigint;
  deposit?: bigint;
  deliverIn?: bigint;
  window?: bigint;
  buyerIdx?: number;
  sellerIdx?: number;
  itemUri?: string;
}

async function open(o: OpenOpts = {}): Promise<bigint> {
  const r = await c.ok(
    o.buyerIdx ?? BUYER,
    msg.createOrder({
      buyer: w.at(o.buyerIdx ?? BUYER).address,
      seller: w.at(o.sellerIdx ?? SELLER).address,
      price: (o.price ?? PRICE).toString(),
      deposit: (o.deposit ?? DEPOSIT).toString(),
      itemHash: new Uint8Array(32).fill(7),
      itemUri: o.itemUri ?? 'ipfs://item',
      deliveryDeadline: c.now + 1n + (o.deliverIn ?? DELIVERY),
      disputeWindowSeconds: o.window ?? WINDOW,
    }),
  );
  return msgResponse(r, MsgCreateOrderResponse).orderId;
}

async function openAccepted(o: OpenOpts = {}): Promise<bigint> {
  const id = await open(o);
  await c.ok(o.sellerIdx ?? SELLER, msg.accept(w.at(o.sellerIdx ?? SELLER).address, id, o.deposit ?? DEPOSIT));
  return id;
}

async function openShipped(o: OpenOpts = {}): Promise<bigint> {
  const id = await openAccepted(o);
  await c.ok(o.sellerIdx ?? SELLER, msg.ship(w.at(o.sellerIdx ?? SELLER).address, id));
  return id;
}

/** A refused tx: the code, and nothing else changed (balances of everyone involved, the order). */
async function refused(
  signer: number,
  m: Parameters<TestChain['exec']>[1],
  codespace: string,
  code: number,
  orderId?: bigint,
  opts: { time?: bigint } = {},
): Promise<void> {
  const before = funds();
  const order = orderId === undefined ? undefined : c.order(orderId);
  const r = await c.exec(signer, m, opts);
  expectCode(r, codespace, code);
  expect(funds()).toEqual(before);
  if (orderId !== undefined) expect(c.order(orderId)).toEqual(order);
}

describe('lockedBy', () => {
  it('is price+deposit when open, price+2*deposit while both sides are in, 0 once closed', () => {
    const o = (status: OrderStatus): Order => Order.fromPartial({ price: '1001', deposit: '101', status });
    const S = OrderStatus;
    expect(
      [S.ORDER_STATUS_OPEN, S.ORDER_STATUS_ACCEPTED, S.ORDER_STATUS_SHIPPED, S.ORDER_STATUS_DISPUTED].map((s) => lockedBy(o(s))),
    ).toEqual([1102n, 1203n, 1203n, 1203n]);
    for (const s of [S.ORDER_STATUS_COMPLETED, S.ORDER_STATUS_DECLINED, S.ORDER_STATUS_CANCELLED, S.ORDER_STATUS_REFUNDED, S.ORDER_STATUS_SETTLED, S.ORDER_STATUS_RESOLVED]) {
      expect(lockedBy(o(s)), S[s]).toBe(0n);
    }
  });
});

describe('module account', () => {
  it('cannot receive user funds (a donation would break the locked-funds invariant)', async () => {
    const before = funds();
    const r = await c.exec(BUYER, {
      typeUrl: '/cosmos.bank.v1beta1.MsgSend',
      value: MsgSend.encode({ fromAddress: buyer, toAddress: ESCROW_ADDRESS, amount: [{ denom: 'ucmt', amount: '1' }] }).finish(),
    });
    expectCode(r, 'sdk', 4);
    expect(funds()).toEqual(before);
  });
});

describe('the happy path', () => {
  it('moves price and deposits exactly: open, accept, ship, confirm', async () => {
    const [b0, s0, e0] = funds();
    const id = await open();
    expect(id).toBe(1n);
    const created = c.order(id);
    expect(created).toMatchObject({ status: OrderStatus.ORDER_STATUS_OPEN, price: PRICE.toString(), deposit: DEPOSIT.toString(), createdAt: c.now, closedAt: 0n });
    expect(funds().slice(0, 3)).toEqual([b0! - PRICE - DEPOSIT, s0, e0! + PRICE + DEPOSIT]);

    await c.ok(SELLER, msg.accept(seller, id, DEPOSIT));
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_ACCEPTED, acceptedAt: c.now });
    expect(funds().slice(0, 3)).toEqual([b0! - PRICE - DEPOSIT, s0! - DEPOSIT, e0! + PRICE + 2n * DEPOSIT]);

    await c.ok(SELLER, msg.ship(seller, id, new Uint8Array(32).fill(1)));
    const shipped = c.order(id);
    expect(shipped).toMatchObject({ status: OrderStatus.ORDER_STATUS_SHIPPED, shippedAt: c.now, releaseAt: c.now + WINDOW });
    expect(Uint8Array.from(shipped.trackingHash)).toEqual(new Uint8Array(32).fill(1));
    expect(funds().slice(0, 3)).toEqual([b0! - PRICE - DEPOSIT, s0! - DEPOSIT, e0! + PRICE + 2n * DEPOSIT]);

    await c.ok(BUYER, msg.confirm(buyer, id));
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_COMPLETED, closedAt: c.now });
    expect(funds().slice(0, 3)).toEqual([b0! - PRICE, s0! + PRICE, e0]);
  });

  it('does not release a confirmed order a second time when its release time comes', async () => {
    const id = await openShipped();
    const releaseAt = c.order(id).releaseAt;
    await c.ok(BUYER, msg.confirm(buyer, id));
    const after = funds();
    await c.block([], { time: releaseAt + 1n });
    expect(funds()).toEqual(after);
  });
});

describe('decline and cancel', () => {
  it('declines: the buyer gets price and deposit back', async () => {
    const [b0, s0, e0] = funds();
    const id = await open();
    await refused(BUYER, msg.decline(buyer, id), 'escrow', 4, id); // only the seller declines
    await c.ok(SELLER, msg.decline(seller, id));
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_DECLINED, closedAt: c.now });
    expect(funds().slice(0, 3)).toEqual([b0, s0, e0]);
    await refused(SELLER, msg.accept(seller, id, DEPOSIT), 'escrow', 3, id);
    await refused(BUYER, msg.cancel(buyer, id), 'escrow', 3, id);
  });

  it('cancels an open order: everything back to the buyer, even past the delivery deadline', async () => {
    const [b0, s0, e0] = funds();
    const id = await open({ deliverIn: 10n });
    await refused(SELLER, msg.cancel(seller, id), 'escrow', 4, id); // only the buyer cancels
    await c.ok(BUYER, msg.cancel(buyer, id), { time: c.order(id).deliveryDeadline + 50n });
    expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_CANCELLED);
    expect(funds().slice(0, 3)).toEqual([b0, s0, e0]);
  });

  it('refuses to cancel an accepted order until the delivery deadline has passed, then refunds in full', async () => {
    const [b0, s0, e0] = funds();
    const id = await openAccepted();
    const deadline = c.order(id).deliveryDeadline;
    await refused(BUYER, msg.cancel(buyer, id), 'escrow', 11, id, { time: deadline - 1n });
    await refused(BUYER, msg.cancel(buyer, id), 'escrow', 11, id, { time: deadline });
    await c.ok(BUYER, msg.cancel(buyer, id), { time: deadline + 1n });
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_REFUNDED, closedAt: deadline + 1n });
    expect(funds().slice(0, 3)).toEqual([b0, s0, e0]);
  });

  it('cannot cancel a shipped order', async () => {
    const id = await openShipped({ window: 5_000n });
    await refused(BUYER, msg.cancel(buyer, id), 'escrow', 3, id, { time: c.order(id).deliveryDeadline + 1n });
  });
});

describe('delivery deadline', () => {
  it('accepts exactly at the delivery deadline', async () => {
    const id = await open();
    const deadline = c.order(id).deliveryDeadline;
    await c.ok(SELLER, msg.accept(seller, id, DEPOSIT), { time: deadline });
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_ACCEPTED, acceptedAt: deadline });
    // ...and can still ship in the same second.
    await c.ok(SELLER, msg.ship(seller, id), { time: deadline });
    expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
  });

  it('refuses acceptance one second after the delivery deadline', async () => {
    const id = await open();
    await refused(SELLER, msg.accept(seller, id, DEPOSIT), 'escrow', 10, id, { time: c.order(id).deliveryDeadline + 1n });
  });

  it('ships at the deadline but not after it', async () => {
    const a = await openAccepted();
    const b = await openAccepted();
    const deadlineB = c.order(b).deliveryDeadline;
    await c.ok(SELLER, msg.ship(seller, a), { time: c.order(a).deliveryDeadline });
    expect(c.order(a).status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    await refused(SELLER, msg.ship(seller, b), 'escrow', 10, b, { time: deadlineB + 1n });
    expect(c.order(b).status).toBe(OrderStatus.ORDER_STATUS_ACCEPTED);
  });
});

describe('opening an order', () => {
  it('rounds the minimum deposit up: price 1001 at 1000 bps needs 101', async () => {
    const base = { buyer, seller, price: '1001', itemUri: 'x', deliveryDeadline: c.now + 100n, disputeWindowSeconds: WINDOW };
    await refused(BUYER, msg.createOrder({ ...base, deposit: '100' }), 'escrow', 5);
    const r = await c.ok(BUYER, msg.createOrder({ ...base, deliveryDeadline: c.now + 100n, deposit: '101' }));
    expect(c.order(msgResponse(r, MsgCreateOrderResponse).orderId).deposit).toBe('101');
  });

  it('rounds up at other sizes and accepts an exact minimum', async () => {
    // 1 ucmt at 1000 bps needs 1; 10000 needs exactly 1000.
    const base = { buyer, seller, itemUri: 'x', disputeWindowSeconds: WINDOW };
    await refused(BUYER, msg.createOrder({ ...base, price: '1', deposit: '0', deliveryDeadline: c.now + 100n }), 'escrow', 5);
    await c.ok(BUYER, msg.createOrder({ ...base, price: '1', deposit: '1', deliveryDeadline: c.now + 100n }));
    await refused(BUYER, msg.createOrder({ ...base, price: '10000', deposit: '999', deliveryDeadline: c.now + 100n }), 'escrow', 5);
    await c.ok(BUYER, msg.createOrder({ ...base, price: '10000', deposit: '1000', deliveryDeadline: c.now + 100n }));
  });

  it('refuses bad orders with clear codes and takes nothing', async () => {
    const ok = { buyer, seller, price: '1000', deposit: '100', itemUri: 'x', disputeWindowSeconds: WINDOW };
    const dl = (): bigint => c.now + 100n;
    await refused(BUYER, msg.createOrder({ ...ok, seller: buyer, deliveryDeadline: dl() }), 'escrow', 9);
    await refused(BUYER, msg.createOrder({ ...ok, price: '0', deposit: '0', deliveryDeadline: dl() }), 'escrow', 15);
    await refused(BUYER, msg.createOrder({ ...ok, price: '-5', deliveryDeadline: dl() }), 'sdk', 10);
    await refused(BUYER, msg.createOrder({ ...ok, price: '1e3', deliveryDeadline: dl() }), 'sdk', 10);
    // The deadline must be after the block time (the block runs one second after c.now).
    await refused(BUYER, msg.createOrder({ ...ok, deliveryDeadline: c.now + 1n }), 'escrow', 7);
    await refused(BUYER, msg.createOrder({ ...ok, deliveryDeadline: c.now + 2n + 180n * 86400n }), 'escrow', 7);
    await c.ok(BUYER, msg.createOrder({ ...ok, deliveryDeadline: c.now + 1n + 180n * 86400n }));
    await refused(BUYER, msg.createOrder({ ...ok, disputeWindowSeconds: 59n, deliveryDeadline: dl() }), 'escrow', 8);
    await refused(BUYER, msg.createOrder({ ...ok, disputeWindowSeconds: 90n * 86400n + 1n, deliveryDeadline: dl() }), 'escrow', 8);
    await c.ok(BUYER, msg.createOrder({ ...ok, disputeWindowSeconds: 60n, deliveryDeadline: dl() }));
    await c.ok(BUYER, msg.createOrder({ ...ok, disputeWindowSeconds: 90n * 86400n, deliveryDeadline: dl() }));
    // More than the buyer holds.
    await refused(BUYER, msg.createOrder({ ...ok, price: (c.balance(buyer) + 1n).toString(), deposit: '0', deliveryDeadline: dl() }), 'escrow', 5);
    const all = c.balance(buyer);
    await refused(BUYER, msg.createOrder({ ...ok, price: (all - all / 11n).toString(), deposit: (all / 10n).toString(), deliveryDeadline: dl() }), 'sdk', 5);
    // The signer must be the buyer: another key signing for the buyer is refused by the ante.
    const before = funds();
    const r = await c.exec(OTHER, msg.createOrder({ ...ok, deliveryDeadline: dl() }));
    expect(r.code).not.toBe(0);
    expect(funds()).toEqual(before);
  });

  it('counts text limits in UTF-8 bytes: item_uri of max_text_length bytes passes, one more fails; hashes up to 64 bytes', async () => {
    const base = { buyer, seller, price: '1000', deposit: '100', disputeWindowSeconds: WINDOW };
    await c.ok(BUYER, msg.createOrder({ ...base, itemUri: 'a'.repeat(512), deliveryDeadline: c.now + 100n }));
    await refused(BUYER, msg.createOrder({ ...base, itemUri: 'a'.repeat(513), deliveryDeadline: c.now + 100n }), 'escrow', 16);
    // 'é' is two bytes: 256 of them are 512 bytes (accepted), 256 plus one ASCII byte are 513.
    await c.ok(BUYER, msg.createOrder({ ...base, itemUri: 'é'.repeat(256), deliveryDeadline: c.now + 100n }));
    await refused(BUYER, msg.createOrder({ ...base, itemUri: 'é'.repeat(256) + 'a', deliveryDeadline: c.now + 100n }), 'escrow', 16);
    await c.ok(BUYER, msg.createOrder({ ...base, itemUri: '', itemHash: new Uint8Array(64), deliveryDeadline: c.now + 100n }));
    await refused(BUYER, msg.createOrder({ ...base, itemUri: '', itemHash: new Uint8Array(65), deliveryDeadline: c.now + 100n }), 'escrow', 16);
  });
});

describe('accept, ship and confirm refusals', () => {
  it('refuses the wrong party, the wrong deposit, the wrong state and unknown orders', async () => {
    const id = await open();
    await refused(OTHER, msg.accept(other, id, DEPOSIT), 'escrow', 4, id);
    await refused(SELLER, msg.accept(seller, id, DEPOSIT - 1n), 'escrow', 6, id);
    await refused(SELLER, msg.accept(seller, id, DEPOSIT + 1n), 'escrow', 6, id);
    await refused(SELLER, msg.ship(seller, id), 'escrow', 3, id);
    await refused(BUYER, msg.confirm(buyer, id), 'escrow', 3, id);
    await refused(SELLER, msg.accept(seller, 99n, DEPOSIT), 'escrow', 2);
    await refused(BUYER, msg.cancel(buyer, 99n), 'escrow', 2);
    await c.ok(SELLER, msg.accept(seller, id, DEPOSIT));
    await refused(SELLER, msg.accept(seller, id, DEPOSIT), 'escrow', 3, id);
    await refused(SELLER, msg.decline(seller, id), 'escrow', 3, id);
    await refused(BUYER, msg.ship(buyer, id), 'escrow', 4, id);
    await refused(SELLER, msg.ship(seller, id, new Uint8Array(65)), 'escrow', 16, id);
    await c.ok(SELLER, msg.ship(seller, id, new Uint8Array(64)));
    await refused(SELLER, msg.ship(seller, id), 'escrow', 3, id);
    await refused(SELLER, msg.confirm(seller, id), 'escrow', 4, id);
    await refused(OTHER, msg.confirm(other, id), 'escrow', 4, id);
  });

  it('refuses acceptance when the seller cannot pay the deposit', async () => {
    const poor = 5;
    // Account 5 gets almost nothing: move its funds away first.
    await c.ok(poor, {
      typeUrl: '/cosmos.bank.v1beta1.MsgSend',
      value: MsgSend.encode({
        fromAddress: w.at(poor).address,
        toAddress: other,
        amount: [{ denom: 'ucmt', amount: (c.balance(w.at(poor).address) - 10n).toString() }],
      }).finish(),
    });
    const id = await open({ sellerIdx: poor });
    const r = await c.exec(poor, msg.accept(w.at(poor).address, id, DEPOSIT));
    expectCode(r, 'sdk', 5);
    expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_OPEN);
    expect(c.balance(w.at(poor).address)).toBe(10n);
  });
});

describe('automatic release', () => {
  it('releases in the first block whose time is at or after release_at, not before', async () => {
    const [b0, s0, e0] = funds();
    const id = await openShipped();
    const releaseAt = c.order(id).releaseAt;
    await c.block([], { time: releaseAt - 1n });
    expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    const res = await c.block([], { time: releaseAt });
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_COMPLETED, closedAt: releaseAt });
    expect(funds().slice(0, 3)).toEqual([b0! - PRICE, s0! + PRICE, e0]);
    const completed = res.events.filter((e) => e.type === 'escrow_order_completed');
    expect(completed).toHaveLength(1);
    expect(Object.fromEntries(completed[0]!.attributes.map((a) => [a.key, a.value]))).toMatchObject({ order_id: '1', trigger: 'auto_release' });
  });

  it('releases late when no block falls exactly on release_at', async () => {
    const id = await openShipped();
    const releaseAt = c.order(id).releaseAt;
    await c.block([], { time: releaseAt - 1n });
    expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    await c.block([], { time: releaseAt + 37n });
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_COMPLETED, closedAt: releaseAt + 37n });
  });

  it('processes at most max_timed_transitions_per_block releases per block, in id order', async () => {
    await c.close();
    await start({ escrowParams: { maxTimedTransitionsPerBlock: 2 } });
    const ids: bigint[] = [];
    for (let i = 0; i < 5; i++) ids.push(await openAccepted());
    // All five ship in one block: the same release time.
    const ship = [];
    for (const id of ids) ship.push(await c.tx(SELLER, [msg.ship(seller, id)]));
    const res = await c.block(ship);
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    const releaseAt = c.order(ids[0]!).releaseAt;
    expect(ids.map((id) => c.order(id).releaseAt)).toEqual(Array(5).fill(releaseAt));

    const statuses = (): OrderStatus[] => ids.map((id) => c.order(id).status);
    const S = OrderStatus.ORDER_STATUS_SHIPPED;
    const C = OrderStatus.ORDER_STATUS_COMPLETED;
    const completedIn = async (time: bigint): Promise<string[]> =>
      (await c.block([], { time })).events
        .filter((e) => e.type === 'escrow_order_completed')
        .map((e) => e.attributes.find((a) => a.key === 'order_id')?.value ?? '');

    expect(await completedIn(releaseAt - 1n)).toEqual([]);
    expect(await completedIn(releaseAt)).toEqual(['1', '2']);
    expect(statuses()).toEqual([C, C, S, S, S]);
    // While queued past release_at, the order can no longer be disputed but can still be confirmed.
    const r = await c.exec(BUYER, msg.dispute(buyer, ids[4]!));
    expectCode(r, 'escrow', 12);
    expect(r.log).toContain('dispute window closed');
    expect(statuses()).toEqual([C, C, C, C, S]); // that block's end-block released 3 and 4
    expect(await completedIn(releaseAt + 10n)).toEqual(['5']);
    expect(statuses()).toEqual([C, C, C, C, C]);
    expect(c.escrowBalance()).toBe(0n);
  });
});

describe('dispute window', () => {
  async function withArbiter(): Promise<void> {
    await c.ok(ARBITER, msg.register(w.at(ARBITER).address, 1_000_000_000n));
  }

  it('accepts a dispute at release_at - 1 and refuses one at release_at', async () => {
    await withArbiter();
    const a = await openShipped();
    const b = await openShipped();
    const releaseA = c.order(a).releaseAt;
    const releaseB = c.order(b).releaseAt;
    expect(releaseB).toBe(releaseA + 3n); // one block (1 s) per tx: accept, ship

    const r = await c.exec(BUYER, msg.dispute(buyer, a), { time: releaseA - 1n });
    expect(r.code, r.log).toBe(0);
    const drawn = msgResponse(r, MsgRaiseDisputeResponse);
    expect(drawn).toEqual({ caseId: 1n, arbiter: w.at(ARBITER).address });
    expect(c.order(a)).toMatchObject({ status: OrderStatus.ORDER_STATUS_DISPUTED, caseId: 1n, disputeReason: 'not as described' });

    // The disputed order is out of the release queue: nothing happens at its release time.
    const before = funds();
    await c.block([], { time: releaseA });
    expect(c.order(a).status).toBe(OrderStatus.ORDER_STATUS_DISPUTED);
    expect(funds()).toEqual(before);

    // At release_at the window is closed; the same block's end-block completes the order.
    const r2 = await c.exec(SELLER, msg.dispute(seller, b), { time: releaseB });
    expectCode(r2, 'escrow', 12);
    expect(c.order(b).status).toBe(OrderStatus.ORDER_STATUS_COMPLETED);
  });

  it('lets either party dispute an accepted order; nobody else', async () => {
    await withArbiter();
    const a = await openAccepted();
    const b = await openAccepted();
    await refused(OTHER, msg.dispute(other, a), 'escrow', 4, a);
    await c.ok(BUYER, msg.dispute(buyer, a));
    await c.ok(SELLER, msg.dispute(seller, b));
    expect([c.order(a).status, c.order(b).status]).toEqual([OrderStatus.ORDER_STATUS_DISPUTED, OrderStatus.ORDER_STATUS_DISPUTED]);
    await refused(BUYER, msg.dispute(buyer, a), 'escrow', 3, a);
  });

  it('refuses a dispute of an accepted order once its delivery deadline passed unshipped', async () => {
    await withArbiter();
    const a = await openAccepted();
    const deadline = c.order(a).deliveryDeadline;
    const r = await c.exec(SELLER, msg.dispute(seller, a), { time: deadline + 1n });
    expectCode(r, 'escrow', 10);
    expect(c.order(a).status).toBe(OrderStatus.ORDER_STATUS_ACCEPTED);
    // The buyer's full refund stays open to it.
    await c.ok(BUYER, msg.cancel(buyer, a), { time: deadline + 2n });
    expect(c.order(a).status).toBe(OrderStatus.ORDER_STATUS_REFUNDED);
  });

  it('ties buyer and seller for arbiter draws only once both signed (at acceptance)', async () => {
    const a = await open();
    expect(c.keepers.escrow.haveTraded(c.store, buyer, seller)).toBe(false);
    await c.ok(BUYER, msg.cancel(buyer, a));
    expect(c.keepers.escrow.haveTraded(c.store, buyer, seller)).toBe(false);
    await openAccepted();
    expect(c.keepers.escrow.haveTraded(c.store, buyer, seller)).toBe(true);
    expect(c.keepers.escrow.haveTraded(c.store, seller, buyer)).toBe(true);
  });

  it('refuses disputes of open and closed orders, and over-long reasons', async () => {
    await withArbiter();
    const open1 = await open();
    await refused(BUYER, msg.dispute(buyer, open1), 'escrow', 3, open1);
    const s = await openShipped();
    await refused(BUYER, msg.dispute(buyer, s, 'r'.repeat(513)), 'escrow', 16, s);
    await c.ok(BUYER, msg.dispute(buyer, s, 'r'.repeat(512)));
    const done = await openShipped();
    await c.ok(BUYER, msg.confirm(buyer, done));
    await refused(BUYER, msg.dispute(buyer, done), 'escrow', 3, done);
  });
});

describe('settlement', () => {
  it('pays the agreed split: seller_amount plus deposit to the seller, the rest plus deposit to the buyer', async () => {
    const [b0, s0, e0] = funds();
    const id = await openShipped();
    await c.ok(SELLER, msg.propose(seller, id, 600_000n));
    expect(c.order(id).settlement).toEqual({ proposer: seller, sellerAmount: '600000' });
    await c.ok(BUYER, msg.acceptSettlement(buyer, id, 600_000n));
    expect(c.order(id)).toMatchObject({ status: OrderStatus.ORDER_STATUS_SETTLED, closedAt: c.now });
    expect(funds().slice(0, 3)).toEqual([b0! - 600_000n, s0! + 600_000n, e0]);
    // The shipped order left the release queue: nothing moves at release time.
    const after = funds();
    await c.block([], { time: c.order(id).releaseAt + 1n });
    expect(funds()).toEqual(after);
  });

  it('refuses the proposer accepting its own proposal and a mismatched amount; a new proposal replaces the old', async () => {
    const id = await openAccepted();
    await refused(BUYER, msg.acceptSettlement(buyer, id, 1n), 'escrow', 13, id); // nothing proposed yet
    await c.ok(BUYER, msg.propose(buyer, id, 300_000n));
    await refused(BUYER, msg.acceptSettlement(buyer, id, 300_000n), 'escrow', 4, id);
    await refused(SELLER, msg.acceptSettlement(seller, id, 300_001n), 'escrow', 13, id);
    await refused(SELLER, msg.acceptSettlement(seller, id, PRICE + 1n), 'escrow', 15, id);
    await refused(OTHER, msg.propose(other, id, 1n), 'escrow', 4, id);
    await refused(OTHER, msg.acceptSettlement(other, id, 300_000n), 'escrow', 4, id);
    await refused(SELLER, msg.propose(seller, id, PRICE + 1n), 'escrow', 15, id);
    // The seller counters; now the buyer may accept the seller's figure and not its own old one.
    await c.ok(SELLER, msg.propose(seller, id, 700_000n));
    expect(c.order(id).settlement).toEqual({ proposer: seller, sellerAmount: '700000' });
    await refused(BUYER, msg.acceptSettlement(buyer, id, 300_000n), 'escrow', 13, id);
    await refused(SELLER, msg.acceptSettlement(seller, id, 700_000n), 'escrow', 4, id);
    const [b0, s0] = funds();
    await c.ok(BUYER, msg.acceptSettlement(buyer, id, 700_000n));
    expect(funds().slice(0, 2)).toEqual([b0! + PRICE - 700_000n + DEPOSIT, s0! + 700_000n + DEPOSIT]);
  });

  it('allows seller_amount 0 (full refund) and seller_amount = price (full payment)', async () => {
    const [b0, s0, e0] = funds();
    const a = await openAccepted();
    await c.ok(SELLER, msg.propose(seller, a, 0n));
    await c.ok(BUYER, msg.acceptSettlement(buyer, a, 0n));
    expect(funds().slice(0, 3)).toEqual([b0, s0, e0]);
    const b = await openShipped();
    await c.ok(BUYER, msg.propose(buyer, b, PRICE));
    await c.ok(SELLER, msg.acceptSettlement(seller, b, PRICE));
    expect(funds().slice(0, 3)).toEqual([b0! - PRICE, s0! + PRICE, e0]);
    expect([c.order(a).status, c.order(b).status]).toEqual([OrderStatus.ORDER_STATUS_SETTLED, OrderStatus.ORDER_STATUS_SETTLED]);
  });

  it('is not available on open, disputed or closed orders', async () => {
    await c.ok(ARBITER, msg.register(w.at(ARBITER).address, 1_000_000_000n));
    const o = await open();
    await refused(BUYER, msg.propose(buyer, o, 1n), 'escrow', 3, o);
    const d = await openShipped();
    await c.ok(SELLER, msg.propose(seller, d, 5n));
    await c.ok(BUYER, msg.dispute(buyer, d));
    await refused(BUYER, msg.acceptSettlement(buyer, d, 5n), 'escrow', 3, d);
    await refused(BUYER, msg.propose(buyer, d, 5n), 'escrow', 3, d);
  });
});

describe('evidence', () => {
  const params = { maxEvidencePerSide: 2, maxPayloadBytes: 16 };

  async function disputed(withEvidence = false): Promise<bigint> {
    await c.ok(ARBITER, msg.register(w.at(ARBITER).address, 1_000_000_000n));
    const id = await openShipped();
    await c.ok(
      BUYER,
      msg.dispute(buyer, id, 'broken', withEvidence ? { hash: new Uint8Array(32).fill(1), uri: 'ipfs://photo', payload: Uint8Array.of(1, 2) } : {}),
    );
    return id;
  }

  it('is accepted only while the order is disputed, and only from its parties', async () => {
    await c.close();
    await start({ escrowParams: params });
    await c.ok(ARBITER, msg.register(w.at(ARBITER).address, 1_000_000_000n));
    const id = await openShipped();
    await refused(BUYER, msg.evidence(buyer, id), 'escrow', 3, id);
    await c.ok(BUYER, msg.dispute(buyer, id));
    await refused(OTHER, msg.evidence(other, id), 'escrow', 4, id);
    await refused(BUYER, msg.evidence(buyer, 77n), 'escrow', 2);
    await c.ok(SELLER, msg.evidence(seller, id, { uri: 'ipfs://receipt' }));
    expect(await c.keepers.escrow.evidenceOf(c.store, id)).toMatchObject([{ orderId: id, submitter: seller, uri: 'ipfs://receipt', submittedAt: c.now }]);
  });

  it('counts the evidence given with the dispute and limits each side to max_evidence_per_side', async () => {
    await c.close();
    await start({ escrowParams: params });
    const id = await disputed(true);
    await c.ok(BUYER, msg.evidence(buyer, id, { uri: 'b2' }));
    await refused(BUYER, msg.evidence(buyer, id, { uri: 'b3' }), 'escrow', 14, id);
    await c.ok(SELLER, msg.evidence(seller, id, { uri: 's1' }));
    await c.ok(SELLER, msg.evidence(seller, id, { uri: 's2' }));
    await refused(SELLER, msg.evidence(seller, id, { uri: 's3' }), 'escrow', 14, id);
    const list = await c.keepers.escrow.evidenceOf(c.store, id);
    expect(list.map((e) => [e.submitter === buyer ? 'buyer' : 'seller', e.uri])).toEqual([
      ['buyer', 'ipfs://photo'],
      ['buyer', 'b2'],
      ['seller', 's1'],
      ['seller', 's2'],
    ]);
    expect(Uint8Array.from(list[0]?.payload ?? [])).toEqual(Uint8Array.of(1, 2));
  });

  it('limits the payload to max_payload_bytes and the uri and hash like other text', async () => {
    await c.close();
    await start({ escrowParams: { ...params, maxEvidencePerSide: 10 } });
    const id = await disputed();
    await c.ok(BUYER, msg.evidence(buyer, id, { payload: new Uint8Array(16) }));
    await refused(BUYER, msg.evidence(buyer, id, { payload: new Uint8Array(17) }), 'escrow', 14, id);
    await refused(BUYER, msg.evidence(buyer, id, { uri: 'u'.repeat(513) }), 'escrow', 16, id);
    await refused(BUYER, msg.evidence(buyer, id, { hash: new Uint8Array(65) }), 'escrow', 16, id);
    await c.ok(BUYER, msg.evidence(buyer, id, { uri: 'u'.repeat(512), hash: new Uint8Array(64) }));
  });

  it('refuses a dispute whose evidence is too large, leaving the order as it was', async () => {
    await c.close();
    await start({ escrowParams: params });
    await c.ok(ARBITER, msg.register(w.at(ARBITER).address, 1_000_000_000n));
    const id = await openShipped();
    await refused(BUYER, msg.dispute(buyer, id, 'r', { payload: new Uint8Array(17) }), 'escrow', 14, id);
    expect(c.order(id).status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    expect(c.keepers.arbitration.nextCaseId(c.store)).toBe(1n);
  });
});

describe('funds across many orders', () => {
  it('keeps the escrow account equal to the sum of locked amounts through a mix of transitions', async () => {
    await c.ok(ARBITER, msg.register(w.at(ARBITER).address, 1_000_000_000n));
    const supply = c.supply();
    const check = async (): Promise<void> => expect(c.escrowBalance()).toBe(await c.lockedByOrders());
    const a = await open({ price: 1234n, deposit: 124n });
    await check();
    const b = await openAccepted({ price: 999_999n, deposit: 100_000n });
    await check();
    const d = await openShipped({ price: 77n, deposit: 8n });
    await check();
    await c.ok(BUYER, msg.dispute(buyer, d));
    await check();
    await c.ok(SELLER, msg.decline(seller, a));
    await check();
    await c.ok(BUYER, msg.propose(buyer, b, 1n));
    await c.ok(SELLER, msg.acceptSettlement(seller, b, 1n));
    await check();
    const locked = (o: Order): bigint => BigInt(o.price) + 2n * BigInt(o.deposit);
    expect(c.escrowBalance()).toBe(locked(c.order(d)));
    expect(c.supply()).toBe(supply);
  });
});
