// arbitration queries through ABCI Query: an arbiter, the pool with pagination, a case, the cases
// an arbiter holds now (not those it was released from or ruled), params, and clear codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus, Outcome, Params } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import { MsgRespondToArbiterResponse } from '../../generated/cybermiles/arbitration/v1/tx.js';
import { MsgCreateOrderResponse, MsgRaiseDisputeResponse } from '../../generated/cybermiles/escrow/v1/tx.js';
import { arbitrationQuery as aq, decodeQuery, msg, msgResponse, queries, TestChain } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { compareBytes } from '../../util/bytes.js';
import { parseAddress } from '../auth/address.js';
import { DEFAULT_ARBITRATION_PARAMS } from './params.js';

const BUYER = 0;
const SELLER = 1;
const ARBS = [2, 3, 4, 5] as const;
const PARAMS = { ...DEFAULT_ARBITRATION_PARAMS, minBond: '1000', acceptanceSeconds: 100n, rulingSeconds: 100n };

let w: TestWallet;
let c: TestChain;
const addr = (i: number): string => w.at(i).address;
/** Arbiter addresses in the order the store keeps them: by address bytes. */
let sorted: string[];

async function dispute(): Promise<{ caseId: bigint; arbiter: string }> {
  const r = await c.ok(
    BUYER,
    msg.createOrder({ buyer: addr(BUYER), seller: addr(SELLER), price: '1000', deposit: '100', itemUri: '', deliveryDeadline: c.now + 10_000n, disputeWindowSeconds: 100n }),
  );
  const id = msgResponse(r, MsgCreateOrderResponse).orderId;
  await c.ok(SELLER, msg.accept(addr(SELLER), id, 100n));
  return msgResponse(await c.ok(SELLER, msg.dispute(addr(SELLER), id)), MsgRaiseDisputeResponse);
}

beforeAll(async () => {
  w = await createTestWallet(6);
  c = await TestChain.start(w, { arbitrationParams: PARAMS });
  for (const [n, i] of ARBS.entries()) await c.ok(i, msg.register(addr(i), 1000n + BigInt(n)));
  sorted = ARBS.map(addr).sort((x, y) => compareBytes(parseAddress(x), parseAddress(y)));
});

afterAll(async () => {
  await c?.close();
});

describe('Arbiter and Arbiters', () => {
  it('returns one arbiter, and NotFound for an address that is not one', async () => {
    const r = decodeQuery(await queries.arbiter(c, addr(ARBS[1])), aq.QueryArbiterResponse);
    expect(r.arbiter).toEqual(c.arbiter(addr(ARBS[1])));
    expect(r.arbiter?.bond).toBe('1001');
    const missing = await queries.arbiter(c, addr(BUYER));
    expect({ code: missing.code, codespace: missing.codespace }).toEqual({ code: 38, codespace: 'sdk' });
    expect(missing.log).toMatch(/^rpc error: code = NotFound/);
    const bad = await queries.arbiter(c, 'nonsense');
    expect({ code: bad.code, codespace: bad.codespace }).toEqual({ code: 7, codespace: 'sdk' });
  });

  it('lists the pool in address order, paged by key and by offset', async () => {
    const all = decodeQuery(await queries.arbiters(c), aq.QueryArbitersResponse);
    expect(all.arbiters.map((a) => a.address)).toEqual(sorted);
    const p1 = decodeQuery(await queries.arbiters(c, { limit: 3n, countTotal: true }), aq.QueryArbitersResponse);
    expect(p1.arbiters.map((a) => a.address)).toEqual(sorted.slice(0, 3));
    expect(p1.pagination?.total).toBe(4n);
    expect(p1.pagination?.nextKey).toEqual(parseAddress(sorted[3]!));
    const p2 = decodeQuery(await queries.arbiters(c, { limit: 3n, key: p1.pagination!.nextKey }), aq.QueryArbitersResponse);
    expect(p2.arbiters.map((a) => a.address)).toEqual(sorted.slice(3));
    expect(p2.pagination?.nextKey).toHaveLength(0);
    const off = decodeQuery(await queries.arbiters(c, { offset: 1n, limit: 2n }), aq.QueryArbitersResponse);
    expect(off.arbiters.map((a) => a.address)).toEqual(sorted.slice(1, 3));
  });
});

describe('Case and CasesByArbiter', () => {
  it('returns a case, and arbitration code 6 for an unknown one', async () => {
    const { caseId, arbiter } = await dispute();
    const r = decodeQuery(await queries.case(c, caseId), aq.QueryCaseResponse);
    expect(r.case).toEqual(c.case(caseId));
    expect(r.case).toMatchObject({ arbiter, status: CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE, buyer: addr(BUYER), seller: addr(SELLER) });
    for (const id of [0n, 999n]) {
      const missing = await queries.case(c, id);
      expect({ code: missing.code, codespace: missing.codespace }).toEqual({ code: 6, codespace: 'arbitration' });
      expect(missing.log).toContain(`case ${id} does not exist`);
    }
  });

  it('lists only the cases an arbiter holds now', async () => {
    const byArbiter = async (a: string): Promise<bigint[]> =>
      decodeQuery(await queries.casesByArbiter(c, a), aq.QueryCasesResponse).cases.map((x) => x.id);
    const before = new Map<string, bigint[]>();
    for (const a of sorted) before.set(a, await byArbiter(a));
    const { caseId, arbiter: first } = await dispute();
    expect(await byArbiter(first)).toEqual([...(before.get(first) ?? []), caseId]);

    // Rejected: the case moves to the next arbiter's list.
    const second = msgResponse(await c.ok(BUYER, msg.respond(addr(BUYER), caseId, false)), MsgRespondToArbiterResponse).arbiter;
    expect(second).not.toBe(first);
    expect(await byArbiter(first)).toEqual(before.get(first) ?? []);
    expect(await byArbiter(second)).toContain(caseId);

    // Ruled: it leaves the list; the case itself stays queryable.
    await c.ok(BUYER, msg.respond(addr(BUYER), caseId, true));
    await c.ok(SELLER, msg.respond(addr(SELLER), caseId, true));
    expect(await byArbiter(second)).toContain(caseId);
    const idx = w.accounts.findIndex((a) => a.address === second);
    await c.ok(idx, msg.rule(second, caseId, Outcome.OUTCOME_BUYER_WINS));
    expect(await byArbiter(second)).not.toContain(caseId);
    expect(decodeQuery(await queries.case(c, caseId), aq.QueryCaseResponse).case?.status).toBe(CaseStatus.CASE_STATUS_RULED);

    // An address that never was an arbiter has an empty list; a bad one a clear code.
    expect(await byArbiter(addr(BUYER))).toEqual([]);
    const bad = await queries.casesByArbiter(c, 'cmt1bad');
    expect({ code: bad.code, codespace: bad.codespace }).toEqual({ code: 7, codespace: 'sdk' });
  });

  it('pages an arbiter\'s cases', async () => {
    // A one-arbiter chain so that every case goes to the same arbiter.
    const solo = await TestChain.start(w, { arbitrationParams: PARAMS });
    const saved = c;
    c = solo;
    try {
      await c.ok(ARBS[0], msg.register(addr(ARBS[0]), 1000n));
      for (let i = 0; i < 3; i++) await dispute();
      const p1 = decodeQuery(await queries.casesByArbiter(c, addr(ARBS[0]), { limit: 2n }), aq.QueryCasesResponse);
      expect(p1.cases.map((x) => x.id)).toEqual([1n, 2n]);
      const p2 = decodeQuery(await queries.casesByArbiter(c, addr(ARBS[0]), { limit: 2n, key: p1.pagination!.nextKey }), aq.QueryCasesResponse);
      expect(p2.cases.map((x) => x.id)).toEqual([3n]);
      expect(p2.pagination?.nextKey).toHaveLength(0);
    } finally {
      c = saved;
      await solo.close();
    }
  });
});

describe('Params', () => {
  it('returns the genesis params', async () => {
    expect(decodeQuery(await queries.arbitrationParams(c), aq.QueryParamsResponse).params).toEqual(Params.fromPartial(PARAMS));
  });
});
