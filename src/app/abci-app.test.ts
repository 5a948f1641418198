// The state machine driven with ABCI requests directly, over a real CommitStore in a temp dir.
import { beforeAll, describe, expect, it } from 'vitest';
import { MsgSendResponse } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { QueryBalanceRequest, QueryBalanceResponse } from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { SimulateRequest, SimulateResponse } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import {
  CheckTxType,
  RequestCheckTx,
  RequestFinalizeBlock,
  RequestInfo,
  RequestPrepareProposal,
  RequestProcessProposal,
  ResponseProcessProposal_ProposalStatus,
  type Event,
  type ExecTxResult,
  type ResponseCheckTx,
  type ResponseInitChain,
} from 'cosmjs-types/tendermint/abci/types';
import { Data } from 'cosmjs-types/tendermint/types/types';
import { GenesisError } from '../genesis/json.js';
import { moduleAddress, parseAddress } from '../modules/auth/address.js';
import { accountKey } from '../modules/auth/keys.js';
import { balanceKey } from '../modules/bank/keys.js';
import { verifyStateProof } from '../store/proof.js';
import {
  accountQueryData,
  blockTime,
  decodeAccountQuery,
  DEFAULT_MAX_GAS,
  genesisAppState,
  initChainRequest,
  testNodes,
  type TestNode,
} from '../testing/app-fixture.js';
import { prng } from '../testing/random.js';
import { createTestWallet, msgSendAny, signTx, simulationTx, type TestWallet, type TxOptions } from '../testing/tx-fixture.js';
import { STORE_KEY_QUERY_PATH } from './abci-app.js';

const FUNDS = 1_000_000n;
const DENOM = 'ucmt';
const SIMULATE = '/cosmos.tx.v1beta1.Service/Simulate';
const ACCOUNT = '/cosmos.auth.v1beta1.Query/Account';
const BALANCE = '/cosmos.bank.v1beta1.Query/Balance';

let w: TestWallet;
/** Accounts 0, 1, 2 are funded at genesis (account numbers 0, 1, 2); account 3 is not. */
let addr: readonly [string, string, string, string];
let appState: Uint8Array;

beforeAll(async () => {
  w = await createTestWallet(4);
  addr = [w.at(0).address, w.at(1).address, w.at(2).address, w.at(3).address];
  appState = genesisAppState([
    [addr[0], FUNDS],
    [addr[1], FUNDS],
    [addr[2], FUNDS],
  ]);
});

const nodes = testNodes();
const newNode = (dir?: string): Promise<TestNode> => nodes.open(dir);

/** A node after InitChain (nothing committed yet). */
async function genesisNode(opts: { maxGas?: bigint } = {}): Promise<{ node: TestNode; init: ResponseInitChain }> {
  const node = await newNode();
  const init = await node.app.initChain(initChainRequest(appState, opts));
  return { node, init };
}

/** A node with genesis and an empty block 1 committed. */
async function startedNode(): Promise<TestNode> {
  const { node } = await genesisNode();
  await node.block(1n);
  return node;
}

/** A MsgSend of `amount` from account `from` to account `to`, signed by `from` with `sequence`. */
/** Genesis funds wallets 0-2 (numbers 0-2); the seven module accounts take 3-9; later accounts follow. */
function accountNumberOf(index: number): bigint {
  return BigInt(index < 3 ? index : index + 7);
}

function send(from: number, to: number, amount: bigint, sequence: bigint, extra: Partial<TxOptions> = {}): Promise<Uint8Array> {
  return signTx(w, {
    messages: [msgSendAny(w.at(from).address, w.at(to).address, amount)],
    signers: [{ account: w.at(from), accountNumber: accountNumberOf(from), sequence }],
    ...extra,
  });
}

function checkTx(node: TestNode, tx: Uint8Array, type = CheckTxType.NEW): Promise<ResponseCheckTx> {
  return node.app.checkTx(RequestCheckTx.fromPartial({ tx, type }));
}

function only<T>(list: readonly T[]): T {
  expect(list).toHaveLength(1);
  return list[0] as T;
}

function attributes(e: Event): Record<string, string> {
  return Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));
}

function eventsOfType(events: readonly Event[], type: string): Record<string, string>[] {
  return events.filter((e) => e.type === type).map(attributes);
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('InitChain and Info', () => {
  it('returns a 32-byte app hash from InitChain and reports nothing committed until the first Commit', async () => {
    const { node, init } = await genesisNode();
    expect(init.appHash).toHaveLength(32);
    expect(init.validators).toEqual([]);
    const info = await node.app.info(RequestInfo.fromPartial({}));
    expect(info).toMatchObject({ data: 'cybermiles', version: 'test', appVersion: 1n, lastBlockHeight: 0n });
    expect(info.lastBlockAppHash).toHaveLength(0);
  });

  it('reports each committed height and app hash in Info', async () => {
    const { node, init } = await genesisNode();
    const b1 = await node.block(1n);
    // Even an empty block records its time (CheckTx runs "in" the next block, after restarts too).
    expect(hex(b1.appHash)).not.toBe(hex(init.appHash));
    expect(await node.app.info(RequestInfo.fromPartial({}))).toMatchObject({ lastBlockHeight: 1n, lastBlockAppHash: b1.appHash });

    const b2 = await node.block(2n, [await send(0, 1, 5n, 0n)]);
    expect(hex(b2.appHash)).not.toBe(hex(b1.appHash));
    expect(await node.app.info(RequestInfo.fromPartial({}))).toMatchObject({ lastBlockHeight: 2n, lastBlockAppHash: b2.appHash });

    const b3 = await node.block(3n);
    expect(hex(b3.appHash)).not.toBe(hex(b2.appHash));
    expect((await node.app.info(RequestInfo.fromPartial({}))).lastBlockHeight).toBe(3n);
  });

  it('creates genesis accounts with numbers in listing order and the funded balances', async () => {
    const node = await startedNode();
    for (const i of [0, 1, 2]) {
      const acc = decodeAccountQuery(await node.query(ACCOUNT, accountQueryData(w.at(i).address)));
      expect(acc).toMatchObject({ address: w.at(i).address, accountNumber: BigInt(i), sequence: 0n });
      expect(acc.pubKey).toBeUndefined();
      expect(node.balance(w.at(i).address)).toBe(FUNDS);
    }
    expect(node.account(addr[3])).toBeUndefined();
  });

  it('refuses a genesis naming an unknown module', async () => {
    const node = await newNode();
    const bad = new TextEncoder().encode(JSON.stringify({ nosuchmodule: {} }));
    await expect(node.app.initChain(initChainRequest(bad))).rejects.toBeInstanceOf(GenesisError);
  });
});

describe('FinalizeBlock', () => {
  it('executes a MsgSend: moves coins, increments the sequence, records the public key', async () => {
    const node = await startedNode();
    const res = await node.block(2n, [await send(0, 1, 250n, 0n)]);
    const r = only(res.txResults);
    expect(r.code).toBe(0);
    expect(r.codespace).toBe('');
    expect(r.gasWanted).toBe(200_000n);
    expect(r.gasUsed).toBeGreaterThan(0n);
    expect(r.gasUsed).toBeLessThanOrEqual(r.gasWanted);
    expect(node.balance(addr[0])).toBe(FUNDS - 250n);
    expect(node.balance(addr[1])).toBe(FUNDS + 250n);
    expect(node.account(addr[0])).toEqual({ accountNumber: 0n, sequence: 1n });
    expect(node.account(addr[1])).toEqual({ accountNumber: 1n, sequence: 0n });
    const acc = decodeAccountQuery(await node.query(ACCOUNT, accountQueryData(addr[0])));
    expect(acc.pubKey?.typeUrl).toBe('/cosmos.crypto.secp256k1.PubKey');
  });

  it('returns TxMsgData whose response decodes as MsgSendResponse', async () => {
    const node = await startedNode();
    const r = only((await node.block(2n, [await send(0, 1, 1n, 0n)])).txResults);
    const data = TxMsgData.decode(r.data);
    const response = only(data.msgResponses);
    expect(response.typeUrl).toBe('/cosmos.bank.v1beta1.MsgSendResponse');
    expect(MsgSendResponse.decode(response.value)).toEqual({});
  });

  it('emits message, transfer, coin_spent and coin_received events, all indexed', async () => {
    const node = await startedNode();
    const r = only((await node.block(2n, [await send(0, 1, 7n, 0n)])).txResults);
    for (const e of r.events) for (const a of e.attributes) expect(a.index).toBe(true);

    expect(eventsOfType(r.events, 'message')).toContainEqual({
      action: '/cosmos.bank.v1beta1.MsgSend',
      sender: addr[0],
      module: 'bank',
      msg_index: '0',
    });
    expect(eventsOfType(r.events, 'transfer')).toEqual([{ recipient: addr[1], sender: addr[0], amount: `7${DENOM}` }]);
    expect(eventsOfType(r.events, 'coin_spent')).toEqual([{ spender: addr[0], amount: `7${DENOM}` }]);
    expect(eventsOfType(r.events, 'coin_received')).toEqual([{ receiver: addr[1], amount: `7${DENOM}` }]);
    expect(eventsOfType(r.events, 'tx')).toContainEqual({ acc_seq: `${addr[0]}/0` });
    // The SDK's order: spend, receive, then transfer.
    const types = r.events.map((e) => e.type);
    expect(types.indexOf('coin_spent')).toBeLessThan(types.indexOf('coin_received'));
    expect(types.indexOf('coin_received')).toBeLessThan(types.indexOf('transfer'));
  });

  it('creates the recipient account on first receipt, with the next account number', async () => {
    const node = await startedNode();
    expect(only((await node.block(2n, [await send(0, 3, 40n, 0n)])).txResults).code).toBe(0);
    // After the three genesis accounts come the module accounts (fee collector, escrow, arbitration, lending).
    expect(node.account(addr[3])).toEqual({ accountNumber: 10n, sequence: 0n });
    expect(node.balance(addr[3])).toBe(40n);
    // The new account can spend once it carries its public key.
    expect(only((await node.block(3n, [await send(3, 0, 15n, 0n)])).txResults).code).toBe(0);
    expect(node.balance(addr[3])).toBe(25n);
  });

  it('includes a tx whose message fails (insufficient funds, code 5): ante effects stand, balances do not move', async () => {
    const node = await startedNode();
    const res = await node.block(2n, [await send(0, 1, FUNDS + 1n, 0n)]);
    const r = only(res.txResults);
    expect(r).toMatchObject({ code: 5, codespace: 'sdk', data: new Uint8Array() });
    expect(r.log).toContain('insufficient funds');
    expect(r.gasUsed).toBeGreaterThan(0n);
    expect(node.account(addr[0])?.sequence).toBe(1n);
    expect(node.balance(addr[0])).toBe(FUNDS);
    expect(node.balance(addr[1])).toBe(FUNDS);
    // Only the ante's events survive a failed message.
    expect(eventsOfType(r.events, 'transfer')).toEqual([]);
    expect(eventsOfType(r.events, 'message')).toEqual([]);
    expect(eventsOfType(r.events, 'tx')).toContainEqual({ acc_seq: `${addr[0]}/0` });

    // The failed tx cannot be replayed; the next sequence works.
    const [replay, next] = (await node.block(3n, [await send(0, 1, FUNDS + 1n, 0n), await send(0, 1, 1n, 1n)])).txResults;
    expect(replay?.code).toBe(32);
    expect(next?.code).toBe(0);
  });

  it('runs txs of a block in order on one state: a later tx sees an earlier one', async () => {
    const node = await startedNode();
    // 0 -> 3 (new account), then 1 -> 3 again, then 0 again with the next sequence.
    const res = await node.block(2n, [await send(0, 3, 10n, 0n), await send(1, 3, 20n, 0n), await send(0, 3, 30n, 1n)]);
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(node.balance(addr[3])).toBe(60n);
    expect(node.account(addr[0])?.sequence).toBe(2n);
  });

  it('checks every signer of a multi-signer tx and increments each sequence', async () => {
    const node = await startedNode();
    const tx = await signTx(w, {
      messages: [msgSendAny(addr[0], addr[2], 3n), msgSendAny(addr[1], addr[2], 4n)],
      signers: [
        { account: w.at(0), accountNumber: 0n, sequence: 0n },
        { account: w.at(1), accountNumber: 1n, sequence: 0n },
      ],
    });
    const r = only((await node.block(2n, [tx])).txResults);
    expect(r.code).toBe(0);
    expect(eventsOfType(r.events, 'message').filter((m) => m['msg_index'] !== undefined).map((m) => m['msg_index'])).toEqual(['0', '1']);
    expect(node.account(addr[0])?.sequence).toBe(1n);
    expect(node.account(addr[1])?.sequence).toBe(1n);
    expect(node.balance(addr[2])).toBe(FUNDS + 7n);
  });

  it('refuses a tx signed for another chain id (code 4) without changing state', async () => {
    const node = await startedNode();
    const r = only((await node.block(2n, [await send(0, 1, 1n, 0n, { chainId: 'other-chain' })])).txResults);
    expect(r).toMatchObject({ code: 4, codespace: 'sdk' });
    expect(r.log).toContain('signature verification failed');
    expect(node.account(addr[0])?.sequence).toBe(0n);
  });

  it('refuses a tx from an account that does not exist (code 9)', async () => {
    const node = await startedNode();
    const r = only((await node.block(2n, [await send(3, 0, 1n, 0n)])).txResults);
    expect(r).toMatchObject({ code: 9, codespace: 'sdk' });
  });

  it('charges a positive fee to the fee collector, and it stays charged when the message fails', async () => {
    const node = await startedNode();
    const fee = [{ denom: DENOM, amount: '100' }];
    const ok = only((await node.block(2n, [await send(0, 1, 1n, 0n, { fee })])).txResults);
    expect(ok.code).toBe(0);
    expect(node.balance(addr[0])).toBe(FUNDS - 101n);
    const failed = only((await node.block(3n, [await send(0, 1, FUNDS, 1n, { fee })])).txResults);
    expect(failed.code).toBe(5);
    expect(node.balance(addr[0])).toBe(FUNDS - 201n);
    expect(node.balance(moduleAddress('fee_collector'))).toBe(200n);
    expect(eventsOfType(failed.events, 'tx')).toContainEqual({ fee: `100${DENOM}`, fee_payer: addr[0] });
  });

  it('refuses a MsgSend to a module account (code 4) and moves nothing', async () => {
    const node = await startedNode();
    // A positive fee creates the fee collector's module account.
    await node.block(2n, [await send(0, 1, 1n, 0n, { fee: [{ denom: DENOM, amount: '1' }] })]);
    const collector = moduleAddress('fee_collector');
    const before = node.balance(addr[0]);
    const tx = await signTx(w, {
      messages: [msgSendAny(addr[0] ?? '', collector, 5n)],
      signers: [{ account: w.at(0), accountNumber: 0n, sequence: 1n }],
    });
    const r = await checkTx(node, tx);
    expect(r).toMatchObject({ code: 4, codespace: 'sdk' });
    expect(r.log).toContain('not allowed to receive funds');
    expect(node.balance(addr[0])).toBe(before);
    expect(node.balance(collector)).toBe(1n);
  });

  it('gives every garbage tx a code and commits the block (never a crash)', async () => {
    const node = await startedNode();
    const res = await node.block(2n, [new Uint8Array([1, 2, 3]), new Uint8Array(), new TextEncoder().encode('garbage')]);
    expect(res.txResults.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(res.txResults.every((r) => r.codespace === 'sdk' && r.gasWanted === 0n)).toBe(true);
    expect((await node.app.info(RequestInfo.fromPartial({}))).lastBlockHeight).toBe(2n);
  });
});

describe('CheckTx', () => {
  it('refuses a tx whose message fails and leaves the check state untouched', async () => {
    const node = await startedNode();
    const bad = await checkTx(node, await send(0, 1, FUNDS + 1n, 0n));
    expect(bad).toMatchObject({ code: 5, codespace: 'sdk' });
    // The refused tx did not consume sequence 0 in the check state.
    expect((await checkTx(node, await send(0, 1, 1n, 0n))).code).toBe(0);
  });

  it('accumulates the check state: sequences n and n+1 both pass, n again does not', async () => {
    const node = await startedNode();
    const first = await checkTx(node, await send(0, 1, 1n, 0n));
    expect(first.code).toBe(0);
    expect(first.gasWanted).toBe(200_000n);
    expect(first.gasUsed).toBeGreaterThan(0n);
    expect(first.data).toHaveLength(0);
    expect((await checkTx(node, await send(0, 1, 1n, 1n))).code).toBe(0);
    const again = await checkTx(node, await send(0, 1, 2n, 0n));
    expect(again.code).toBe(32);
    expect(again.log).toContain('expected 2, got 0');
    // CheckTx never writes committed state.
    expect(node.account(addr[0])?.sequence).toBe(0n);
  });

  it('resets the check state to committed state at Commit', async () => {
    const node = await startedNode();
    expect((await checkTx(node, await send(0, 1, 1n, 0n))).code).toBe(0);
    expect((await checkTx(node, await send(0, 1, 1n, 1n))).code).toBe(0);
    await node.block(2n); // the block did not include them
    expect((await checkTx(node, await send(0, 1, 1n, 1n))).code).toBe(32);
    expect((await checkTx(node, await send(0, 1, 1n, 0n), CheckTxType.RECHECK)).code).toBe(0);
  });

  it('sees the effects of the committed block after Commit', async () => {
    const node = await startedNode();
    await node.block(2n, [await send(0, 1, 1n, 0n)]);
    expect((await checkTx(node, await send(0, 1, 1n, 0n))).code).toBe(32);
    expect((await checkTx(node, await send(0, 1, 1n, 1n))).code).toBe(0);
  });

  it('sees the genesis state between InitChain and the first Commit', async () => {
    const { node } = await genesisNode();
    expect((await checkTx(node, await send(0, 1, 1n, 0n))).code).toBe(0);
  });

  it('refuses an undecodable tx with code 2 and gas 0', async () => {
    const node = await startedNode();
    expect(await checkTx(node, Uint8Array.of(0xff, 0x01))).toMatchObject({ code: 2, codespace: 'sdk', gasWanted: 0n, gasUsed: 0n });
  });

  it('refuses a tx with gas limit 0 (code 41)', async () => {
    const node = await startedNode();
    expect((await checkTx(node, await send(0, 1, 1n, 0n, { gasLimit: 0n }))).code).toBe(41);
  });

  it('never throws on mutated txs: each gets a result code', async () => {
    const node = await startedNode();
    const valid = await send(0, 1, 1n, 0n);
    const next = prng(7);
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from(valid);
      for (let k = 0; k < 1 + (next() % 3); k++) bytes[next() % bytes.length] = next() & 0xff;
      const res = await checkTx(node, bytes);
      expect(typeof res.code).toBe('number');
    }
  });
});

describe('gas', () => {
  it('reports out of gas in the ante (code 11): gasUsed over gasWanted, nothing written', async () => {
    const node = await startedNode();
    const r = only((await node.block(2n, [await send(0, 1, 1n, 0n, { gasLimit: 1000n })])).txResults);
    expect(r).toMatchObject({ code: 11, codespace: 'sdk', gasWanted: 1000n });
    expect(r.gasUsed).toBeGreaterThan(r.gasWanted);
    expect(r.log).toContain('out of gas');
    expect(r.log).toContain('gasWanted: 1000');
    expect(node.account(addr[0])?.sequence).toBe(0n);
  });

  it('reports out of gas in a message (code 11): the ante effects stand, the transfer does not', async () => {
    // Measure the gas of the same tx, then give it a limit the ante fits in but the message does not.
    const probe = await startedNode();
    const full = only((await probe.block(2n, [await send(0, 1, 1n, 0n, { gasLimit: 100_000n })])).txResults);
    expect(full.code).toBe(0);
    const limit = full.gasUsed - 2000n; // the message alone writes two balances (>= 2 x 2000 gas)

    const node = await startedNode();
    const r = only((await node.block(2n, [await send(0, 1, 1n, 0n, { gasLimit: limit })])).txResults);
    expect(r).toMatchObject({ code: 11, codespace: 'sdk', gasWanted: limit });
    expect(r.gasUsed).toBeGreaterThan(limit);
    expect(r.log).toContain(`gasWanted: ${limit}`);
    expect(node.account(addr[0])?.sequence).toBe(1n);
    expect(node.balance(addr[0])).toBe(FUNDS);
    expect(node.balance(addr[1])).toBe(FUNDS);
  });

  it('uses the same gas for the same tx in CheckTx and FinalizeBlock', async () => {
    const node = await startedNode();
    const tx = await send(0, 1, 1n, 0n);
    const checked = await checkTx(node, tx);
    const r = only((await node.block(2n, [tx])).txResults);
    expect(r.gasUsed).toBe(checked.gasUsed);
  });
});

describe('timeout height', () => {
  it('refuses a tx whose timeout height is in the past (code 30), in a block and in CheckTx', async () => {
    const node = await startedNode();
    await node.block(2n);
    const late = await send(0, 1, 1n, 0n, { timeoutHeight: 2n });
    const r = only((await node.block(3n, [late])).txResults);
    expect(r).toMatchObject({ code: 30, codespace: 'sdk' });
    expect(node.account(addr[0])?.sequence).toBe(0n);
    // CheckTx runs as the next block (4).
    expect((await checkTx(node, await send(0, 1, 1n, 0n, { timeoutHeight: 3n }))).code).toBe(30);
  });

  it('accepts a tx in the block of its timeout height', async () => {
    const node = await startedNode();
    expect((await checkTx(node, await send(0, 1, 1n, 0n, { timeoutHeight: 2n }))).code).toBe(0);
    expect(only((await node.block(2n, [await send(0, 1, 1n, 0n, { timeoutHeight: 2n })])).txResults).code).toBe(0);
  });
});

describe('Simulate', () => {
  const simulate = (node: TestNode, txBytes: Uint8Array) => node.query(SIMULATE, SimulateRequest.encode({ txBytes }).finish());
  const unsigned = (from: number, to: number, amount: bigint, sequence: bigint) =>
    simulationTx({
      messages: [msgSendAny(w.at(from).address, w.at(to).address, amount)],
      signers: [{ account: w.at(from), accountNumber: accountNumberOf(from), sequence }],
    });

  it('returns gas info and msg responses for an unsigned tx, changing nothing', async () => {
    const node = await startedNode();
    const res = await simulate(node, unsigned(0, 1, 5n, 0n));
    expect(res.code).toBe(0);
    expect(res.height).toBe(1n);
    const sim = SimulateResponse.decode(res.value);
    expect(sim.gasInfo?.gasUsed).toBeGreaterThan(0n);
    expect(sim.result?.msgResponses.map((m) => m.typeUrl)).toEqual(['/cosmos.bank.v1beta1.MsgSendResponse']);
    expect(eventsOfType(sim.result?.events ?? [], 'transfer')).toEqual([{ recipient: addr[1], sender: addr[0], amount: `5${DENOM}` }]);
    // Neither committed nor check state moved.
    expect(node.account(addr[0])?.sequence).toBe(0n);
    expect((await checkTx(node, await send(0, 1, 5n, 0n))).code).toBe(0);
  });

  it('estimates enough gas for the signed tx', async () => {
    const node = await startedNode();
    const estimate = SimulateResponse.decode((await simulate(node, unsigned(0, 1, 5n, 0n))).value).gasInfo?.gasUsed ?? 0n;
    // CosmJS multiplies the estimate (default 1.3 for "auto" gas, or 1.4 in many apps).
    const gasLimit = (estimate * 13n) / 10n;
    expect(only((await node.block(2n, [await send(0, 1, 5n, 0n, { gasLimit })])).txResults).code).toBe(0);
  });

  it('runs on top of the check state', async () => {
    const node = await startedNode();
    expect((await checkTx(node, await send(0, 1, 1n, 0n))).code).toBe(0);
    expect((await simulate(node, unsigned(0, 1, 1n, 1n))).code).toBe(0);
    expect((await simulate(node, unsigned(0, 1, 1n, 0n))).code).toBe(32);
  });

  it('reports a failing message with its code', async () => {
    const node = await startedNode();
    const res = await simulate(node, unsigned(0, 1, FUNDS + 1n, 0n));
    expect(res).toMatchObject({ code: 5, codespace: 'sdk' });
    expect(res.log).toContain('insufficient funds');
  });

  it('refuses a request that does not decode, without crashing', async () => {
    const node = await startedNode();
    const res = await node.query(SIMULATE, Uint8Array.of(0x0a, 0xff));
    expect(res.code).not.toBe(0);
    expect(res.log).toContain('rpc error');
  });
});

describe('Query', () => {
  it('answers NotFound for an unknown account, as CosmJS expects', async () => {
    const node = await startedNode();
    const res = await node.query(ACCOUNT, accountQueryData(addr[3]));
    expect(res).toMatchObject({ code: 22, codespace: 'sdk', height: 1n });
    expect(res.log).toContain('rpc error: code = NotFound');
    expect(res.value).toHaveLength(0);
  });

  it('answers InvalidArgument for a malformed address', async () => {
    const node = await startedNode();
    const res = await node.query(ACCOUNT, accountQueryData('cosmos1notours'));
    expect(res.code).toBe(7);
    expect(res.log).toContain('rpc error: code = InvalidArgument');
  });

  it('answers at the last committed height, and refuses other heights (code 26)', async () => {
    const node = await startedNode();
    await node.block(2n, [await send(0, 1, 9n, 0n)]);
    await node.block(3n);
    const data = QueryBalanceRequest.encode({ address: addr[1], denom: DENOM }).finish();
    const res = await node.query(BALANCE, data);
    expect(res).toMatchObject({ code: 0, height: 3n });
    expect(QueryBalanceResponse.decode(res.value).balance).toEqual({ denom: DENOM, amount: (FUNDS + 9n).toString() });
    expect((await node.query(BALANCE, data, { height: 3n })).code).toBe(0);
    const old = await node.query(BALANCE, data, { height: 2n });
    expect(old).toMatchObject({ code: 26, height: 3n });
    expect(old.log).toContain('rpc error: code = InvalidArgument');
  });

  it('does not see the pending block before Commit', async () => {
    const node = await startedNode();
    const { app } = node;
    await app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: 2n, time: blockTime(2n), txs: [await send(0, 1, 9n, 0n)] }));
    const data = QueryBalanceRequest.encode({ address: addr[1], denom: DENOM }).finish();
    const before = await node.query(BALANCE, data);
    expect(before.height).toBe(1n);
    expect(QueryBalanceResponse.decode(before.value).balance?.amount).toBe(FUNDS.toString());
    await app.commit();
    const after = await node.query(BALANCE, data);
    expect(after.height).toBe(2n);
    expect(QueryBalanceResponse.decode(after.value).balance?.amount).toBe((FUNDS + 9n).toString());
  });

  it('refuses an unknown path (code 6, Unimplemented) and proofs on a gRPC path (code 18)', async () => {
    const node = await startedNode();
    const unknown = await node.query('/cosmos.gov.v1beta1.Query/Proposals', new Uint8Array());
    expect(unknown.code).toBe(6);
    expect(unknown.log).toContain('rpc error: code = Unimplemented');
    const proved = await node.query(ACCOUNT, accountQueryData(addr[0]), { prove: true });
    expect(proved.code).toBe(18);
  });
});

describe('/store/key proofs', () => {
  it('proves a value against the app hash committed for that height', async () => {
    const node = await startedNode();
    const b2 = await node.block(2n, [await send(0, 1, 11n, 0n)]);
    const key = balanceKey(parseAddress(addr[1]), DENOM);
    const res = await node.query(STORE_KEY_QUERY_PATH, key, { prove: true });
    expect(res).toMatchObject({ code: 0, height: 2n, log: 'exists' });
    expect(Coin.decode(res.value)).toEqual({ denom: DENOM, amount: (FUNDS + 11n).toString() });
    const proof = res.proofOps;
    if (proof === undefined) throw new Error('no proof returned');
    expect(await verifyStateProof(b2.appHash, key, res.value, proof)).toBe(true);
    // The proof binds value and app hash.
    const other = Coin.encode({ denom: DENOM, amount: '1' }).finish();
    expect(await verifyStateProof(b2.appHash, key, other, proof)).toBe(false);
    const b3 = await node.block(3n, [await send(1, 0, 1n, 0n)]);
    expect(await verifyStateProof(b3.appHash, key, res.value, proof)).toBe(false);
  });

  it('proves the absence of a key', async () => {
    const node = await startedNode();
    const key = accountKey(parseAddress(addr[3]));
    const res = await node.query(STORE_KEY_QUERY_PATH, key, { prove: true });
    expect(res).toMatchObject({ code: 0, height: 1n, log: 'does not exist' });
    expect(res.value).toHaveLength(0);
    const proof = res.proofOps;
    if (proof === undefined) throw new Error('no proof returned');
    const { lastBlockAppHash } = await node.app.info(RequestInfo.fromPartial({}));
    expect(await verifyStateProof(lastBlockAppHash, key, undefined, proof)).toBe(true);
    expect(await verifyStateProof(lastBlockAppHash, key, Uint8Array.of(1), proof)).toBe(false);
  });

  it('answers a proof asked for while a Commit lands with the height that proof is for', async () => {
    const node = await startedNode();
    const key = balanceKey(parseAddress(addr[1]), DENOM);
    const b2 = await node.app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: 2n, time: blockTime(2n), txs: [await send(0, 1, 11n, 0n)] }));
    // The query arrives on its own connection while block 2's batch is being written.
    const committing = node.app.commit();
    const res = await node.query(STORE_KEY_QUERY_PATH, key, { prove: true });
    await committing;
    const proof = res.proofOps;
    if (proof === undefined) throw new Error('no proof returned');
    expect(res).toMatchObject({ code: 0, height: 2n });
    expect(Coin.decode(res.value).amount).toBe((FUNDS + 11n).toString());
    expect(await verifyStateProof(b2.appHash, key, res.value, proof)).toBe(true);
  });

  it('returns the raw value without a proof when not asked', async () => {
    const node = await startedNode();
    const key = balanceKey(parseAddress(addr[0]), DENOM);
    const res = await node.query(STORE_KEY_QUERY_PATH, key);
    expect(res.proofOps).toBeUndefined();
    expect(Coin.decode(res.value).amount).toBe(FUNDS.toString());
  });
});

describe('determinism and restarts', () => {
  /** Blocks 2..4: transfers, a failing tx, a new account, garbage. */
  async function scriptedBlocks(): Promise<Uint8Array[][]> {
    return [
      [await send(0, 1, 100n, 0n), await send(1, 3, 50n, 0n)],
      [await send(0, 1, FUNDS * 2n, 1n), Uint8Array.of(1, 2, 3), await send(2, 0, 7n, 0n, { memo: 'hi' })],
      [await send(3, 2, 10n, 0n), await send(0, 2, 1n, 2n, { fee: [{ denom: DENOM, amount: '5' }] })],
    ];
  }

  function summary(results: readonly ExecTxResult[]) {
    return results.map((r) => ({ code: r.code, gasUsed: r.gasUsed, data: hex(r.data), events: JSON.stringify(r.events) }));
  }

  it('gives two apps fed the same genesis and blocks identical app hashes and results', async () => {
    const blocks = await scriptedBlocks();
    const { node: a, init: ia } = await genesisNode();
    const { node: b, init: ib } = await genesisNode();
    expect(hex(ia.appHash)).toBe(hex(ib.appHash));
    const hashes = new Set<string>();
    for (const [i, txs] of [[], ...blocks].entries()) {
      const height = BigInt(i + 1);
      const ra = await a.block(height, txs);
      const rb = await b.block(height, txs);
      expect(hex(ra.appHash)).toBe(hex(rb.appHash));
      expect(summary(ra.txResults)).toEqual(summary(rb.txResults));
      hashes.add(hex(ra.appHash));
    }
    expect(hashes.size).toBe(4);
    expect(await a.app.info(RequestInfo.fromPartial({}))).toEqual(await b.app.info(RequestInfo.fromPartial({})));
    // The scripted blocks did what they meant to: the over-spend failed, everything else passed.
    expect(a.balance(addr[3])).toBe(40n);
  });

  it('reopens with the same Info and continues with the same app hashes as an app that never stopped', async () => {
    const blocks = await scriptedBlocks();
    const [blockA, blockB, blockC] = blocks as [Uint8Array[], Uint8Array[], Uint8Array[]];
    const { node: steady } = await genesisNode();
    const { node: first } = await genesisNode();
    for (const node of [steady, first]) {
      await node.block(1n);
      await node.block(2n, blockA);
      await node.block(3n, blockB);
    }
    const infoBefore = await first.app.info(RequestInfo.fromPartial({}));
    await first.close();

    const reopened = await newNode(first.dir);
    const infoAfter = await reopened.app.info(RequestInfo.fromPartial({}));
    expect(infoAfter).toEqual(infoBefore);
    expect(infoAfter.lastBlockHeight).toBe(3n);

    // Block 4 needs the chain id (signatures) from the reopened state.
    const r1 = await steady.block(4n, blockC);
    const r2 = await reopened.block(4n, blockC);
    expect(r2.txResults.map((r) => r.code)).toEqual([0, 0]);
    expect(summary(r2.txResults)).toEqual(summary(r1.txResults));
    expect(hex(r2.appHash)).toBe(hex(r1.appHash));
    expect(reopened.account(addr[0])?.sequence).toBe(3n);

    // So does the last block time that CheckTx and simulation run with.
    expect(reopened.app.nextBlock()).toEqual(steady.app.nextBlock());
    expect(reopened.app.nextBlock().timeSeconds).toBeGreaterThan(0n);

    // The block gas limit survives the restart too.
    const big = await send(0, 1, 1n, 3n, { gasLimit: DEFAULT_MAX_GAS + 1n });
    const status = await reopened.app.processProposal(RequestProcessProposal.fromPartial({ height: 5n, txs: [big] }));
    expect(status.status).toBe(ResponseProcessProposal_ProposalStatus.REJECT);
  });
});

describe('proposals', () => {
  it('ProcessProposal accepts decodable txs within the block gas limit, even ones that will fail', async () => {
    const node = await startedNode();
    const txs = [await send(0, 1, 1n, 0n), await send(0, 1, FUNDS * 9n, 1n), await send(0, 1, 1n, 99n)];
    const res = await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs }));
    expect(res.status).toBe(ResponseProcessProposal_ProposalStatus.ACCEPT);
    expect((await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs: [] }))).status).toBe(
      ResponseProcessProposal_ProposalStatus.ACCEPT,
    );
  });

  it('ProcessProposal rejects a proposal with an undecodable tx', async () => {
    const node = await startedNode();
    const txs = [await send(0, 1, 1n, 0n), Uint8Array.of(0xde, 0xad)];
    expect((await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs }))).status).toBe(
      ResponseProcessProposal_ProposalStatus.REJECT,
    );
  });

  it('ProcessProposal rejects a proposal whose total gas exceeds maxGas, and accepts exactly maxGas', async () => {
    const node = await startedNode();
    const half = DEFAULT_MAX_GAS / 2n;
    const exact = [await send(0, 1, 1n, 0n, { gasLimit: half }), await send(1, 0, 1n, 0n, { gasLimit: half })];
    expect((await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs: exact }))).status).toBe(
      ResponseProcessProposal_ProposalStatus.ACCEPT,
    );
    const over = [...exact, await send(2, 0, 1n, 0n, { gasLimit: 1n })];
    expect((await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs: over }))).status).toBe(
      ResponseProcessProposal_ProposalStatus.REJECT,
    );
  });

  it('ProcessProposal has no gas bound when maxGas is -1', async () => {
    const { node } = await genesisNode({ maxGas: -1n });
    await node.block(1n);
    // A paying tx: zero-fee txs also meet the free gas budget of a block.
    const txs = [await send(0, 1, 1n, 0n, { gasLimit: 10n ** 15n, fee: [{ denom: DENOM, amount: "1" }] })];
    expect((await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs }))).status).toBe(
      ResponseProcessProposal_ProposalStatus.ACCEPT,
    );
  });

  it('PrepareProposal keeps txs in order within maxTxBytes and drops undecodable ones', async () => {
    const node = await startedNode();
    const txs = [await send(0, 1, 1n, 0n), Uint8Array.of(0xde, 0xad), await send(0, 1, 2n, 1n), await send(0, 1, 3n, 2n)];
    const [t0, , t2, t3] = txs as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const all = await node.app.prepareProposal(RequestPrepareProposal.fromPartial({ height: 2n, maxTxBytes: 1_000_000n, txs }));
    expect(all.txs).toEqual([t0, t2, t3]);

    const room = BigInt(t0.length + t2.length + t3.length - 1);
    const cut = await node.app.prepareProposal(RequestPrepareProposal.fromPartial({ height: 2n, maxTxBytes: room, txs }));
    expect(cut.txs).toEqual([t0, t2]);
    const total = cut.txs.reduce((n, t) => n + t.length, 0);
    expect(BigInt(total)).toBeLessThanOrEqual(room);

    const none = await node.app.prepareProposal(RequestPrepareProposal.fromPartial({ height: 2n, maxTxBytes: BigInt(t0.length - 1), txs }));
    expect(none.txs).toEqual([]);
  });

  // CometBFT checks PrepareProposal's answer with Txs.Validate(maxDataBytes), which sums
  // ComputeProtoSizeForTxs (each tx's bytes plus its protobuf field tag and length prefix), and
  // panics in createProposalBlock when the sum exceeds RequestPrepareProposal.max_tx_bytes.
  // The app sums raw tx lengths only (abci-app.ts prepareProposal), so it can overshoot by a few
  // bytes per tx when CometBFT hands it more than fits (block.max_bytes = -1 reaps everything).
  it('PrepareProposal measures txs as CometBFT does (protobuf size, not raw length)', async () => {
    const node = await startedNode();
    const txs = [await send(0, 1, 1n, 0n), await send(0, 1, 2n, 1n), await send(0, 1, 3n, 2n)];
    const rawTotal = BigInt(txs.reduce((n, t) => n + t.length, 0));
    const res = await node.app.prepareProposal(RequestPrepareProposal.fromPartial({ height: 2n, maxTxBytes: rawTotal, txs }));
    const protoSize = BigInt(Data.encode({ txs: res.txs }).finish().length);
    expect(protoSize).toBeLessThanOrEqual(rawTotal);
  });

  it('PrepareProposal stops at the block gas limit', async () => {
    const node = await startedNode();
    const gasLimit = (DEFAULT_MAX_GAS * 2n) / 5n; // two fit, three do not
    const txs = [await send(0, 1, 1n, 0n, { gasLimit }), await send(1, 0, 1n, 0n, { gasLimit }), await send(2, 0, 1n, 0n, { gasLimit })];
    const res = await node.app.prepareProposal(RequestPrepareProposal.fromPartial({ height: 2n, maxTxBytes: 1_000_000n, txs }));
    expect(res.txs).toEqual(txs.slice(0, 2));
    // What PrepareProposal builds, ProcessProposal accepts.
    expect((await node.app.processProposal(RequestProcessProposal.fromPartial({ height: 2n, txs: res.txs }))).status).toBe(
      ResponseProcessProposal_ProposalStatus.ACCEPT,
    );
  });
});
