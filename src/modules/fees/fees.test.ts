// The fee policy: free quotas per account and window, minimum gas price for paying txs, and the
// block rules of proposals. Through ABCI, in process.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { RequestCheckTx, RequestProcessProposal, RequestPrepareProposal, ResponseProcessProposal_ProposalStatus } from 'cosmjs-types/tendermint/abci/types';
import { SimulateRequest } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import { defaultAppState, TestChain } from '../../testing/chain-fixture.js';
import { createTestWallet, signTx, type TestWallet } from '../../testing/tx-fixture.js';
import { parseAddress } from '../auth/address.js';
import { parseGasPrice, requiredFee } from './gas-price.js';

const GAS = 100_000n;
let w: TestWallet;
let c: TestChain;

beforeAll(async () => {
  w = await createTestWallet(4);
});

afterEach(async () => {
  await c?.close();
});

async function start(params: Record<string, unknown> = {}, funds = 1_000_000_000n): Promise<void> {
  const base = defaultAppState(w, { funds });
  c = await TestChain.start(w, {
    appState: {
      ...base,
      fees: {
        params: {
          freeTxsPerWindow: 3,
          windowBlocks: '10',
          freeGasPerBlock: '250000',
          minGasPrice: '0.01',
          minFreeBalance: '1000000',
          stakePerExtraFreeTx: '0',
          ...params,
        },
      },
    },
  });
}

function send(from: number, seq: bigint, fee = 0n, gasLimit = GAS, to = 1): Promise<Uint8Array> {
  const account = c.keepers.auth.getAccount(c.store, parseAddress(w.at(from).address));
  return signTx(w, {
    messages: [
      {
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.encode({ fromAddress: w.at(from).address, toAddress: w.at(to).address, amount: [{ denom: 'ucmt', amount: '1' }] }).finish(),
      },
    ],
    signers: [{ account: w.at(from), accountNumber: account?.accountNumber ?? 0n, sequence: seq }],
    gasLimit,
    fee: fee === 0n ? [] : [{ denom: 'ucmt', amount: fee.toString() }],
  });
}

const check = (tx: Uint8Array) => c.app.checkTx(RequestCheckTx.fromPartial({ tx }));

describe('gas prices', () => {
  it('parses decimals exactly and rounds the required fee up', () => {
    expect(parseGasPrice('0.01')).toBe(10n ** 16n);
    expect(parseGasPrice('2')).toBe(2n * 10n ** 18n);
    expect(requiredFee(100_000n, parseGasPrice('0.01'))).toBe(1000n);
    expect(requiredFee(100_001n, parseGasPrice('0.01'))).toBe(1001n);
    expect(requiredFee(5n, 0n)).toBe(0n);
    expect(() => parseGasPrice('-1')).toThrow();
    expect(() => parseGasPrice('1e-3')).toThrow();
  });
});

describe('free quota', () => {
  it('lets an eligible account send free_txs_per_window free txs, then asks for a fee or patience', async () => {
    await start();
    for (let i = 0n; i < 3n; i++) expect((await check(await send(0, i))).code).toBe(0);
    const over = await check(await send(0, 3n));
    expect({ codespace: over.codespace, code: over.code }).toEqual({ codespace: 'fees', code: 2 });
    expect(over.log).toMatch(/used its 3 free txs of this window; wait until height 10 or pay a fee of at least 1000ucmt \(gas 100000 x 0.01ucmt\)/);
    // A paying tx goes through during the same window.
    expect((await check(await send(0, 3n, 1000n))).code).toBe(0);
    // Another account's free txs are not affected.
    expect((await check(await send(2, 0n))).code).toBe(0);
  });

  it('counts free txs in blocks, and starts again in the next window', async () => {
    await start();
    const res = await c.block([await send(0, 0n), await send(0, 1n), await send(0, 2n), await send(0, 3n)]);
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0, 0, 2]);
    while (c.height < 9n) await c.block();
    expect((await c.block([await send(0, 3n)])).txResults[0]?.code).toBe(0); // height 10: a new window
  });

  it('refuses free txs from accounts below min_free_balance (sybil cost), but not paying ones', async () => {
    await start({}, 999_999n + 2n);
    await c.ok(0, [
      { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: w.at(0).address, toAddress: w.at(1).address, amount: [{ denom: 'ucmt', amount: '3' }] }).finish() },
    ]);
    const r = await check(await send(0, 1n));
    expect({ codespace: r.codespace, code: r.code }).toEqual({ codespace: 'fees', code: 3 });
    expect(r.log).toMatch(/free txs need a balance of at least 1000000ucmt/);
    expect((await check(await send(0, 1n, 1000n))).code).toBe(0);
  });

  it('does not spend the quota when simulating', async () => {
    await start({ freeTxsPerWindow: 1 });
    for (let i = 0; i < 3; i++) {
      const r = await c.app.query({ path: '/cosmos.tx.v1beta1.Service/Simulate', data: SimulateRequest.encode({ txBytes: await send(0, 0n) }).finish(), height: 0n, prove: false });
      expect(r.code, r.log).toBe(0);
    }
    expect((await check(await send(0, 0n))).code).toBe(0);
  });
});

describe('paying txs', () => {
  it('need at least gas_limit x min_gas_price in ucmt, which goes to the fee collector', async () => {
    await start();
    const low = await check(await send(0, 0n, 999n));
    expect({ codespace: low.codespace, code: low.code }).toEqual({ codespace: 'sdk', code: 13 });
    expect(low.log).toMatch(/fee 999ucmt is below 1000ucmt \(gas 100000 x 0.01ucmt\)/);
    const before = c.balance(w.at(0).address);
    const res = await c.block([await send(0, 0n, 1000n)]);
    expect(res.txResults[0]?.code).toBe(0);
    expect(c.balance(w.at(0).address)).toBe(before - 1000n - 1n);
  });
});

describe('proposals', () => {
  it('put paying txs first, keep each payer in sequence, and admit free gas up to the budget', async () => {
    await start({ freeTxsPerWindow: 100 });
    const free0 = await send(0, 0n);
    const free1 = await send(2, 0n);
    const free2 = await send(3, 0n);
    const paid = await send(1, 0n, 1000n, GAS, 0);
    const payerAfterOwnFree = await send(0, 1n, 1000n);
    const { txs } = await c.app.prepareProposal(RequestPrepareProposal.fromPartial({ height: c.height + 1n, maxTxBytes: 1_000_000n, txs: [free0, free1, free2, paid, payerAfterOwnFree] }));
    // Budget 250,000 gas: two free txs of 100,000 fit. Account 0's paying tx stays after its free one.
    expect(txs).toEqual([paid, free0, free1, payerAfterOwnFree]);
    expect((await c.app.processProposal(RequestProcessProposal.fromPartial({ height: c.height + 1n, txs }))).status).toBe(ResponseProcessProposal_ProposalStatus.ACCEPT);
  });

  it('rejects proposals that break the free budget or put a paying tx after free ones', async () => {
    await start({ freeTxsPerWindow: 100 });
    const frees = [await send(0, 0n), await send(2, 0n), await send(3, 0n)];
    const paid = await send(1, 0n, 1000n, GAS, 0);
    const process = async (txs: Uint8Array[]) => (await c.app.processProposal(RequestProcessProposal.fromPartial({ height: c.height + 1n, txs }))).status;
    expect(await process(frees)).toBe(ResponseProcessProposal_ProposalStatus.REJECT);
    expect(await process([frees[0] as Uint8Array, paid])).toBe(ResponseProcessProposal_ProposalStatus.REJECT);
    expect(await process([paid, frees[0] as Uint8Array, frees[1] as Uint8Array])).toBe(ResponseProcessProposal_ProposalStatus.ACCEPT);
  });
});
