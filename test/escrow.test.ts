// Escrow end to end through the typed client: the happy path, decline, cancel, automatic release,
// settlement by agreement, a missed delivery deadline; every balance to the last ucmt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderStatus } from '../src/generated/cybermiles/escrow/v1/escrow.js';
import { balances, chainTime, ESCROW_ACCOUNT, party, SHORT_WINDOWS, type Party } from './helpers/escrow.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';

const PRICE = 1_000_000n;
const DEPOSIT = 100_000n;

describe('escrow', () => {
  let node: TestNode;
  let buyer: Party;
  let seller: Party;

  beforeAll(async () => {
    node = await startDevnetNode({ appStatePatch: SHORT_WINDOWS });
    [buyer, seller] = await Promise.all([party(node.rpcUrl, 0), party(node.rpcUrl, 1)]);
  });

  afterAll(async () => {
    buyer?.client.disconnect();
    seller?.client.disconnect();
    await node?.destroy();
  });

  async function snapshot(): Promise<[bigint, bigint, bigint]> {
    const [b, s, e] = await balances(buyer.client, [buyer.address, seller.address, ESCROW_ACCOUNT]);
    return [b ?? 0n, s ?? 0n, e ?? 0n];
  }

  async function open(window = 60n, deliverIn = 120n): Promise<bigint> {
    const now = await chainTime(buyer.client);
    const { orderId } = await buyer.client.createOrder(buyer.address, {
      seller: seller.address,
      price: PRICE,
      deposit: DEPOSIT,
      itemHash: new Uint8Array(32).fill(7),
      itemUri: 'ipfs://item-description',
      deliveryDeadline: now + deliverIn,
      disputeWindowSeconds: window,
    });
    return orderId;
  }

  const status = async (id: bigint) => (await buyer.client.query.escrow.order(id)).order?.status;

  it('runs the happy path: open, accept, ship, confirm', async () => {
    const [b0, s0, e0] = await snapshot();
    const id = await open();
    expect(await snapshot()).toEqual([b0 - PRICE - DEPOSIT, s0, e0 + PRICE + DEPOSIT]);
    await seller.client.acceptOrder(seller.address, id, DEPOSIT);
    expect(await snapshot()).toEqual([b0 - PRICE - DEPOSIT, s0 - DEPOSIT, e0 + PRICE + 2n * DEPOSIT]);
    await seller.client.shipOrder(seller.address, id, new Uint8Array(32).fill(1));
    expect(await status(id)).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    await buyer.client.confirmReceipt(buyer.address, id);
    expect(await snapshot()).toEqual([b0 - PRICE, s0 + PRICE, e0]);
    const { order } = await buyer.client.query.escrow.order(id);
    expect(order).toMatchObject({ status: OrderStatus.ORDER_STATUS_COMPLETED, buyer: buyer.address, seller: seller.address, itemUri: 'ipfs://item-description' });
    expect((await buyer.client.query.escrow.ordersByBuyer(buyer.address)).orders.map((o) => o.id)).toContain(id);
    expect((await buyer.client.query.escrow.ordersBySeller(seller.address)).orders.map((o) => o.id)).toContain(id);
    const found = await buyer.client.signing.searchTx([{ key: 'escrow_order_completed.order_id', value: id.toString() }]);
    expect(found).toHaveLength(1);
  });

  it('gives the buyer back exactly what it locked when the seller declines', async () => {
    const [b0, s0, e0] = await snapshot();
    const id = await open();
    await seller.client.declineOrder(seller.address, id);
    expect(await snapshot()).toEqual([b0, s0, e0]);
    expect(await status(id)).toBe(OrderStatus.ORDER_STATUS_DECLINED);
  });

  it('lets the buyer cancel before acceptance', async () => {
    const [b0, s0, e0] = await snapshot();
    const id = await open();
    await buyer.client.cancelOrder(buyer.address, id);
    expect(await snapshot()).toEqual([b0, s0, e0]);
    expect(await status(id)).toBe(OrderStatus.ORDER_STATUS_CANCELLED);
  });

  it('releases automatically when the dispute window passes in silence', async () => {
    const [b0, s0, e0] = await snapshot();
    const id = await open(2n);
    await seller.client.acceptOrder(seller.address, id, DEPOSIT);
    await seller.client.shipOrder(seller.address, id);
    await expect.poll(() => status(id), { timeout: 30_000, interval: 500 }).toBe(OrderStatus.ORDER_STATUS_COMPLETED);
    expect(await snapshot()).toEqual([b0 - PRICE, s0 + PRICE, e0]);
  });

  it('settles by agreement on a split of the price', async () => {
    const [b0, s0, e0] = await snapshot();
    const id = await open();
    await seller.client.acceptOrder(seller.address, id, DEPOSIT);
    await seller.client.shipOrder(seller.address, id);
    await seller.client.proposeSettlement(seller.address, id, 600_000n);
    await buyer.client.acceptSettlement(buyer.address, id, 600_000n);
    expect(await snapshot()).toEqual([b0 - 600_000n, s0 + 600_000n, e0]);
    expect(await status(id)).toBe(OrderStatus.ORDER_STATUS_SETTLED);
  });

  it('refunds the buyer in full when the seller misses the delivery deadline', async () => {
    const [b0, s0, e0] = await snapshot();
    // 10 s to deliver: the order and the seller's acceptance (two txs) must land before it, on a
    // machine that may be running the whole suite.
    const id = await open(60n, 10n);
    await seller.client.acceptOrder(seller.address, id, DEPOSIT);
    const { order } = await buyer.client.query.escrow.order(id);
    await expect.poll(() => chainTime(buyer.client), { timeout: 30_000, interval: 500 }).toBeGreaterThan(order?.deliveryDeadline ?? 0n);
    await buyer.client.cancelOrder(buyer.address, id);
    expect(await snapshot()).toEqual([b0, s0, e0]);
    expect(await status(id)).toBe(OrderStatus.ORDER_STATUS_REFUNDED);
    expect(node.logTail(10_000_000)).not.toContain('invariant broken');
  });
});
