// ReCheck (CheckTx of type RECHECK, for each tx still in the mempool after a block) runs the ante
// only: sequence, account, fee or free quota, timeout height; not the messages, not the signature.
import { beforeAll, describe, expect, it } from 'vitest';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { CheckTxType, RequestCheckTx, type ResponseCheckTx } from 'cosmjs-types/tendermint/abci/types';
import { genesisAppState, testNodes, type TestNode } from '../testing/app-fixture.js';
import { createTestWallet, msgSendAny, signTx, type TestWallet } from '../testing/tx-fixture.js';

const FUNDS = 1_000_000n;

let w: TestWallet;
let addr: readonly [string, string, string];

beforeAll(async () => {
  w = await createTestWallet(3);
  addr = [w.at(0).address, w.at(1).address, w.at(2).address];
});

const nodes = testNodes();

async function startedNode(fees?: Record<string, unknown>): Promise<TestNode> {
  const balances = [[addr[0], FUNDS], [addr[1], FUNDS], [addr[2], FUNDS]] as const;
  return nodes.started(genesisAppState(balances, fees === undefined ? {} : { modules: { fees: { params: fees } } }));
}

const transfer = (from: number, sequence: bigint, amount: bigint, opts: { fee?: bigint; timeoutHeight?: bigint } = {}): Promise<Uint8Array> =>
  signTx(w, {
    messages: [msgSendAny(addr[from] as string, addr[(from + 1) % 3] as string, amount)],
    signers: [{ account: w.at(from), accountNumber: BigInt(from), sequence }],
    ...(opts.fee === undefined ? {} : { fee: [{ denom: 'ucmt', amount: opts.fee.toString() }] }),
    ...(opts.timeoutHeight === undefined ? {} : { timeoutHeight: opts.timeoutHeight }),
  });

const check = (node: TestNode, tx: Uint8Array): Promise<ResponseCheckTx> => node.app.checkTx(RequestCheckTx.fromPartial({ tx, type: CheckTxType.NEW }));
const recheck = (node: TestNode, tx: Uint8Array): Promise<ResponseCheckTx> => node.app.checkTx(RequestCheckTx.fromPartial({ tx, type: CheckTxType.RECHECK }));

describe('ReCheck', () => {
  it('evicts a pending tx whose sequence went stale in the block (code 32)', async () => {
    const node = await startedNode();
    const pending = await transfer(0, 0n, 1n);
    expect((await check(node, pending)).code).toBe(0);
    // The block holds another tx with the same sequence (sent through another node, say).
    const res = await node.block(2n, [await transfer(0, 0n, 2n)]);
    expect(res.txResults[0]?.code).toBe(0);
    const r = await recheck(node, pending);
    expect([r.codespace, r.code]).toEqual(['sdk', 32]);
  });

  it('keeps pending txs\' sequences in the check state: the next new tx follows them', async () => {
    const node = await startedNode();
    const a = await transfer(0, 0n, 1n);
    const b = await transfer(0, 1n, 1n);
    expect((await check(node, a)).code).toBe(0);
    expect((await check(node, b)).code).toBe(0);
    await node.block(2n); // neither included
    expect((await recheck(node, a)).code).toBe(0);
    expect((await recheck(node, b)).code).toBe(0);
    expect((await check(node, await transfer(0, 2n, 1n))).code).toBe(0);
    const dup = await check(node, await transfer(0, 1n, 5n));
    expect([dup.codespace, dup.code]).toEqual(['sdk', 32]);
    // Nothing of it reached committed state.
    expect(node.account(addr[0])?.sequence).toBe(0n);
  });

  it('still enforces the free quota: rechecked zero-fee txs use it up for new ones (fees/2)', async () => {
    const node = await startedNode({ freeTxsPerWindow: 2, windowBlocks: '1000', freeGasPerBlock: '1000000000000', minGasPrice: '0.01', minFreeBalance: '0', stakePerExtraFreeTx: '0' });
    const a = await transfer(0, 0n, 1n);
    const b = await transfer(0, 1n, 1n);
    expect((await check(node, a)).code).toBe(0);
    expect((await check(node, b)).code).toBe(0);
    await node.block(2n);
    expect((await recheck(node, a)).code).toBe(0);
    expect((await recheck(node, b)).code).toBe(0);
    const over = await check(node, await transfer(0, 2n, 1n));
    expect([over.codespace, over.code]).toEqual(['fees', 2]);
  });

  it('still applies the fee policy to the state after the block: a free tx whose payer fell below the minimum balance is evicted (fees/3)', async () => {
    const node = await startedNode({ freeTxsPerWindow: 10, windowBlocks: '1000', freeGasPerBlock: '1000000000000', minGasPrice: '0.01', minFreeBalance: (FUNDS / 2n).toString(), stakePerExtraFreeTx: '0' });
    const a = await transfer(0, 0n, 1n);
    const b = await transfer(0, 1n, 1n);
    expect((await check(node, a)).code).toBe(0);
    expect((await check(node, b)).code).toBe(0);
    // The block holds a paying tx with sequence 0 instead of a (from another node's mempool, say),
    // which takes the payer's balance below the minimum for free txs.
    const res = await node.block(2n, [await transfer(0, 0n, (FUNDS * 6n) / 10n, { fee: 2000n })]);
    expect(res.txResults[0]?.code).toBe(0);
    const ra = await recheck(node, a);
    expect([ra.codespace, ra.code]).toEqual(['sdk', 32]);
    const rb = await recheck(node, b);
    expect([rb.codespace, rb.code]).toEqual(['fees', 3]);
  });

  it('still deducts fees: a paying pending tx leaves less for new ones', async () => {
    const node = await startedNode();
    const paying = await transfer(0, 0n, 1n, { fee: FUNDS - 100n });
    expect((await check(node, paying)).code).toBe(0);
    await node.block(2n);
    expect((await recheck(node, paying)).code).toBe(0);
    // 100 left in the check state after the fee: a transfer of 500 is refused at submission.
    const poor = await check(node, await transfer(0, 1n, 500n));
    expect([poor.codespace, poor.code]).toEqual(['sdk', 5]);
  });

  it('refuses a pending tx past its timeout height (code 30)', async () => {
    const node = await startedNode();
    const tx = await transfer(0, 0n, 1n, { timeoutHeight: 2n });
    expect((await check(node, tx)).code).toBe(0);
    await node.block(2n);
    const r = await recheck(node, tx);
    expect([r.codespace, r.code]).toEqual(['sdk', 30]);
  });

  it('does not run messages: a second pending tx overspending the balance passes CheckTx and fails in the block', async () => {
    const node = await startedNode();
    const big = await transfer(0, 0n, FUNDS - 10n);
    expect((await check(node, big)).code).toBe(0);
    // Before any block the check state holds the first transfer: the second is refused at once.
    const refused = await check(node, await transfer(0, 1n, 20n));
    expect([refused.codespace, refused.code]).toEqual(['sdk', 5]);
    await node.block(2n);
    expect((await recheck(node, big)).code).toBe(0);
    // After the recheck the check state has the first tx's sequence but not its transfer.
    const second = await transfer(0, 1n, 20n);
    expect((await check(node, second)).code).toBe(0);
    const res = await node.block(3n, [big, second]);
    expect(res.txResults.map((r) => r.code)).toEqual([0, 5]);
    // The failed tx took its sequence (and fee, none here) and moved nothing.
    expect(node.account(addr[0])?.sequence).toBe(2n);
    expect(node.balance(addr[0])).toBe(10n);
  });

  it('does not run messages: a tx needing what a pending tx did is refused after a block, and passes once that tx is in one', async () => {
    const node = await startedNode();
    const credit = await transfer(0, 0n, FUNDS - 10n); // account 1 receives it
    const spend = await transfer(1, 0n, FUNDS + 100n); // more than account 1 has without it
    expect((await check(node, credit)).code).toBe(0);
    // Before any block the check state holds the credit, so the spend would pass now. But a block
    // (without the credit) commits first, and the credit's recheck runs its ante only.
    await node.block(2n);
    expect((await recheck(node, credit)).code).toBe(0);
    const refused = await check(node, spend);
    expect([refused.codespace, refused.code]).toEqual(['sdk', 5]);
    // Sent again once the credit is in a block, it passes, and goes through in the next.
    const res = await node.block(3n, [credit]);
    expect(res.txResults.map((r) => r.code)).toEqual([0]);
    expect((await check(node, spend)).code).toBe(0);
    const last = await node.block(4n, [spend]);
    expect(last.txResults.map((r) => r.code)).toEqual([0]);
    expect(node.balance(addr[1])).toBe(FUNDS - 10n + FUNDS - (FUNDS + 100n));
  });

  it('does not verify signatures, as in the SDK (the signature cache is sized on that)', async () => {
    const node = await startedNode();
    const raw = TxRaw.decode(await transfer(0, 0n, 1n));
    const signature = Uint8Array.from(raw.signatures[0] ?? []);
    signature[0] = (signature[0] ?? 0) ^ 1; // r changed, s kept: still low-S, no longer valid
    const forged = TxRaw.encode({ ...raw, signatures: [signature] }).finish();
    const fresh = await check(node, forged);
    expect([fresh.codespace, fresh.code]).toEqual(['sdk', 4]);
    // Only a tx that passed CheckTx is ever rechecked; this one never did, so nothing verifies it.
    expect((await recheck(node, forged)).code).toBe(0);
  });
});
