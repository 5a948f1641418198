// escrow queries through ABCI Query: an order with its evidence, orders by buyer and by seller
// with key and offset pagination, params, and clear codes for unknown orders and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestFinalizeBlock } from 'cosmjs-types/tendermint/abci/types';
import { Order, OrderStatus, Params } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { MsgCreateOrderResponse } from '../../generated/cybermiles/escrow/v1/tx.js';
import { decodeQuery, escrowQuery, msg, msgResponse, queries, TestChain } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { uint64BE } from '../../util/bytes.js';
import { DEFAULT_ESCROW_PARAMS } from './params.js';

const BUYER = 0;
const SELLER = 1;
const OTHER = 2;
const ARBITER = 3;

let w: TestWallet;
let c: TestChain;
const addr = (i: number): string => w.at(i).address;
/** Orders of BUYER: ids 1..5 (sellers SELLER, SELLER, OTHER, SELLER, OTHER); order 6 is OTHER buying from SELLER. */
const SELLER_OF = [SELLER, SELLER, OTHER, SELLER, OTHER] as const;

async function create(buyer: number, seller: number): Promise<bigint> {
  const r = await c.ok(
    buyer,
    msg.createOrder({
      buyer: addr(buyer),
      seller: addr(seller),
      price: '1000',
      deposit: '100',
      itemUri: `ipfs://${buyer}-${seller}-${c.now}`,
      deliveryDeadline: c.now + 1_000n,
      disputeWindowSeconds: 100n,
    }),
  );
  return msgResponse(r, MsgCreateOrderResponse).orderId;
}

beforeAll(async () => {
  w = await createTestWallet(4);
  c = await TestChain.start(w, { escrowParams: { maxEvidencePerSide: 3 } });
  for (const s of SELLER_OF) await create(BUYER, s);
  await create(OTHER, SELLER);
  // Order 1 goes to a dispute with evidence from both sides.
  await c.ok(ARBITER, msg.register(addr(ARBITER), 1_000_000_000n));
  await c.ok(SELLER, msg.accept(addr(SELLER), 1n, 100n));
  await c.ok(BUYER, msg.dispute(addr(BUYER), 1n, 'late', { hash: new Uint8Array(32).fill(1), uri: 'ipfs://b1', payload: Uint8Array.of(9) }));
  await c.ok(SELLER, msg.evidence(addr(SELLER), 1n, { uri: 'ipfs://s1' }));
  await c.ok(BUYER, msg.evidence(addr(BUYER), 1n, { uri: 'ipfs://b2' }));
});

afterAll(async () => {
  await c?.close();
});

const ids = (r: escrowQuery.QueryOrdersResponse): bigint[] => r.orders.map((o) => o.id);
const key = (id: bigint): Uint8Array => uint64BE(id);

describe('Order', () => {
  it('returns the order and its evidence in submission order', async () => {
    const r = decodeQuery(await queries.order(c, 1n), escrowQuery.QueryOrderResponse);
    expect(r.order).toEqual(c.order(1n));
    expect(r.order).toMatchObject({ status: OrderStatus.ORDER_STATUS_DISPUTED, caseId: 1n, disputeReason: 'late' });
    expect(r.evidence.map((e) => [e.submitter, e.uri, e.orderId])).toEqual([
      [addr(BUYER), 'ipfs://b1', 1n],
      [addr(SELLER), 'ipfs://s1', 1n],
      [addr(BUYER), 'ipfs://b2', 1n],
    ]);
    expect(Uint8Array.from(r.evidence[0]!.payload)).toEqual(Uint8Array.of(9));
    expect(Uint8Array.from(r.evidence[0]!.hash)).toEqual(new Uint8Array(32).fill(1));
  });

  it('returns an order without evidence with an empty list', async () => {
    const r = decodeQuery(await queries.order(c, 2n), escrowQuery.QueryOrderResponse);
    expect(r.order?.id).toBe(2n);
    expect(r.evidence).toEqual([]);
  });

  it('gives escrow code 2 (order not found) for an unknown order', async () => {
    for (const id of [0n, 7n, 2n ** 64n - 1n]) {
      const r = await queries.order(c, id);
      expect({ code: r.code, codespace: r.codespace }).toEqual({ code: 2, codespace: 'escrow' });
      expect(r.log).toContain(`order ${id} does not exist`);
      expect(r.value).toHaveLength(0);
    }
  });

  it('refuses a request that does not decode', async () => {
    const r = await c.query('/cybermiles.escrow.v1.Query/Order', Uint8Array.of(0xff, 0xff, 0xff));
    expect(r.code).not.toBe(0);
    expect(r.log).toMatch(/^rpc error: code = InvalidArgument/);
  });
});

describe('OrdersByBuyer and OrdersBySeller', () => {
  it('lists a buyer\'s orders in id order, and only its own', async () => {
    const all = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER)), escrowQuery.QueryOrdersResponse);
    expect(ids(all)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(all.pagination?.nextKey).toHaveLength(0);
    expect(ids(decodeQuery(await queries.ordersByBuyer(c, addr(OTHER)), escrowQuery.QueryOrdersResponse))).toEqual([6n]);
    expect(ids(decodeQuery(await queries.ordersByBuyer(c, addr(SELLER)), escrowQuery.QueryOrdersResponse))).toEqual([]);
    expect(all.orders[0]).toEqual(c.order(1n));
  });

  it('lists a seller\'s orders', async () => {
    expect(ids(decodeQuery(await queries.ordersBySeller(c, addr(SELLER)), escrowQuery.QueryOrdersResponse))).toEqual([1n, 2n, 4n, 6n]);
    expect(ids(decodeQuery(await queries.ordersBySeller(c, addr(OTHER)), escrowQuery.QueryOrdersResponse))).toEqual([3n, 5n]);
  });

  it('pages by key: next_key is the id of the first order not returned', async () => {
    const p1 = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER), { limit: 2n }), escrowQuery.QueryOrdersResponse);
    expect(ids(p1)).toEqual([1n, 2n]);
    expect(p1.pagination?.nextKey).toEqual(key(3n));
    const p2 = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER), { limit: 2n, key: p1.pagination!.nextKey }), escrowQuery.QueryOrdersResponse);
    expect(ids(p2)).toEqual([3n, 4n]);
    expect(p2.pagination?.nextKey).toEqual(key(5n));
    const p3 = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER), { limit: 2n, key: p2.pagination!.nextKey }), escrowQuery.QueryOrdersResponse);
    expect(ids(p3)).toEqual([5n]);
    expect(p3.pagination?.nextKey).toHaveLength(0);
    // A seller's pages skip other sellers' orders.
    const s1 = decodeQuery(await queries.ordersBySeller(c, addr(SELLER), { limit: 3n }), escrowQuery.QueryOrdersResponse);
    expect(ids(s1)).toEqual([1n, 2n, 4n]);
    expect(s1.pagination?.nextKey).toEqual(key(6n));
  });

  it('pages by offset, counts the total, and runs in reverse', async () => {
    const p = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER), { offset: 2n, limit: 2n, countTotal: true }), escrowQuery.QueryOrdersResponse);
    expect(ids(p)).toEqual([3n, 4n]);
    expect(p.pagination?.total).toBe(5n);
    expect(p.pagination?.nextKey).toEqual(key(5n));
    const past = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER), { offset: 9n }), escrowQuery.QueryOrdersResponse);
    expect(ids(past)).toEqual([]);
    const rev = decodeQuery(await queries.ordersByBuyer(c, addr(BUYER), { reverse: true, limit: 2n }), escrowQuery.QueryOrdersResponse);
    expect(ids(rev)).toEqual([5n, 4n]);
    expect(rev.pagination?.nextKey).toEqual(key(3n));
    const rev2 = decodeQuery(
      await queries.ordersByBuyer(c, addr(BUYER), { reverse: true, limit: 2n, key: rev.pagination!.nextKey }),
      escrowQuery.QueryOrdersResponse,
    );
    expect(ids(rev2)).toEqual([3n, 2n]);
  });

  it('refuses key and offset together, a limit above 1000, and bad addresses', async () => {
    const both = await queries.ordersByBuyer(c, addr(BUYER), { key: key(2n), offset: 1n });
    expect({ code: both.code, codespace: both.codespace }).toEqual({ code: 18, codespace: 'sdk' });
    const big = await queries.ordersByBuyer(c, addr(BUYER), { limit: 1001n });
    expect({ code: big.code, codespace: big.codespace }).toEqual({ code: 18, codespace: 'sdk' });
    for (const bad of ['', 'cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a', 'cmt1xyz']) {
      const r = await queries.ordersBySeller(c, bad);
      expect({ code: r.code, codespace: r.codespace }).toEqual({ code: 7, codespace: 'sdk' });
      expect(r.log).toMatch(/^rpc error: code = InvalidArgument desc = .*seller/);
    }
  });
});

describe('Params', () => {
  it('returns the genesis params', async () => {
    const r = decodeQuery(await queries.escrowParams(c), escrowQuery.QueryParamsResponse);
    expect(r.params).toEqual(Params.fromPartial({ ...DEFAULT_ESCROW_PARAMS, maxEvidencePerSide: 3 }));
  });
});

describe('queries read committed state only', () => {
  it('does not see an order created in a block that is not committed yet', async () => {
    const before = decodeQuery(await queries.ordersByBuyer(c, addr(OTHER)), escrowQuery.QueryOrdersResponse);
    const tx = await c.tx(OTHER, [
      msg.createOrder({ buyer: addr(OTHER), seller: addr(SELLER), price: '10', deposit: '1', itemUri: '', deliveryDeadline: c.now + 100n, disputeWindowSeconds: 100n }),
    ]);
    await c.app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: c.height + 1n, time: { seconds: c.now + 1n, nanos: 0 }, hash: new Uint8Array(32), txs: [tx] }));
    expect(decodeQuery(await queries.ordersByBuyer(c, addr(OTHER)), escrowQuery.QueryOrdersResponse)).toEqual(before);
    await c.app.commit();
    c.height += 1n;
    c.now += 1n;
    const after = decodeQuery(await queries.ordersByBuyer(c, addr(OTHER)), escrowQuery.QueryOrdersResponse);
    expect(after.orders.map((o: Order) => o.id)).toEqual([6n, 7n]);
  });
});
