import { toBase64 } from '@cosmjs/encoding';
import { BondStatus } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import * as q from 'cosmjs-types/cosmos/staking/v1beta1/query';
import * as stx from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Params } from '../../generated/cybermiles/staking/v1/staking.js';
import { defaultAppState, TestChain } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { moduleAddress, parseAddress } from '../auth/address.js';
import { toValoper } from './address.js';
import { BONDED_POOL, NOT_BONDED_POOL } from './expected-keepers.js';
import { ed25519Any } from './keeper.js';
import { anyMsg, CMT, coin, consKey, stakingHelpers } from '../../testing/staking-fixture.js';

const S = '/cosmos.staking.v1beta1.';
const UNBONDING = 100n;

let w: TestWallet;
let chain: TestChain | undefined;
beforeAll(async () => {
  w = await createTestWallet(6);
});
afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

const { valoper, delegate, undelegate, stakingGenesis } = stakingHelpers(() => w);

async function start(validators: { op: number; bond: bigint }[], params: Partial<Params> = {}): Promise<TestChain> {
  const appState = {
    ...defaultAppState(w, {}),
    // No block awards here: the amounts below are staking's alone (distribution.test.ts has awards).
    distribution: { params: { inflationBps: 0, backupShareBps: 1000 } },
    staking: stakingGenesis(validators, { unbondingTimeSeconds: UNBONDING, ...params }),
  };
  chain = await TestChain.start(w, { appState });
  return chain;
}

const pool = (c: TestChain, name: string) => c.balance(moduleAddress(name));
const powerOf = (c: TestChain, i: number) => c.keepers.staking.lastSet(c.store).then((m) => [...m.values()].find((x) => toValoper(x.val) === valoper(i))?.last);

describe('staking', () => {
  it('genesis validators form the set InitChain returns, bonded from their own balances', async () => {
    const c = await start([{ op: 0, bond: 100n * CMT }, { op: 1, bond: 50n * CMT }]);
    const ups = await c.keepers.staking.currentUpdates(c.store);
    const got = ups.map((u) => [toBase64(u.pubKey.ed25519 ?? new Uint8Array()), u.power]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect(got).toEqual([
      [toBase64(consKey(0)), 100n],
      [toBase64(consKey(1)), 50n],
    ]);
    expect(pool(c, BONDED_POOL)).toBe(150n * CMT);
    expect(c.balance(w.at(0).address)).toBe(1_000_000_000n - 100n * CMT);
    const v = c.keepers.staking.mustGetValidator(c.store, parseAddress(w.at(0).address));
    expect(v.status).toBe(BondStatus.BOND_STATUS_BONDED);
  });

  it('a delegation changes the power reported in the same block; no change, no update', async () => {
    const c = await start([{ op: 0, bond: 100n * CMT }, { op: 1, bond: 50n * CMT }]);
    const res = await c.block([await c.tx(2, [delegate(2, 1, 20n * CMT)])]);
    expect(res.txResults[0]?.code).toBe(0);
    expect(res.validatorUpdates).toEqual([{ pubKey: { ed25519: consKey(1) }, power: 70n }]);
    expect((await c.block()).validatorUpdates).toEqual([]);
    expect(c.keepers.fees.quotaOf(c.store, parseAddress(w.at(2).address), c.height).quota).toBeGreaterThanOrEqual(0);
    expect(c.keepers.staking.delegatedTotal(c.store, parseAddress(w.at(2).address))).toBe(20n * CMT);
  });

  it('refuses a delegation that would leave the self-bond below 10%', async () => {
    const c = await start([{ op: 0, bond: 10n * CMT }]);
    const r = await c.exec(2, delegate(2, 0, 91n * CMT));
    expect(r.codespace).toBe('staking');
    expect(r.log).toMatch(/self-bond/);
    await c.ok(2, delegate(2, 0, 90n * CMT));
  });

  it('undelegation waits in not_bonded_tokens_pool and is paid by the queue; cancel puts it back', async () => {
    const c = await start([{ op: 0, bond: 100n * CMT }]);
    const d = w.at(2).address;
    await c.ok(2, delegate(2, 0, 30n * CMT));
    const before = c.balance(d);
    const r = await c.ok(2, undelegate(2, 0, 10n * CMT));
    const res = stx.MsgUndelegateResponse.decode((await import('cosmjs-types/cosmos/base/abci/v1beta1/abci')).TxMsgData.decode(r.data).msgResponses[0]?.value ?? new Uint8Array());
    expect(res.completionTime.seconds).toBe(c.now + UNBONDING);
    expect(pool(c, NOT_BONDED_POOL)).toBe(10n * CMT);
    expect(pool(c, BONDED_POOL)).toBe(120n * CMT);
    const height = c.height;
    await c.ok(2, undelegate(2, 0, 5n * CMT));
    await c.ok(2, anyMsg(S + 'MsgCancelUnbondingDelegation', stx.MsgCancelUnbondingDelegation, { delegatorAddress: d, validatorAddress: valoper(0), amount: coin(4n * CMT), creationHeight: height }));
    expect(pool(c, NOT_BONDED_POOL)).toBe(11n * CMT);
    expect(pool(c, BONDED_POOL)).toBe(119n * CMT);
    expect(c.balance(d)).toBe(before);
    await c.block([], { time: c.now + UNBONDING + 2n });
    expect(pool(c, NOT_BONDED_POOL)).toBe(0n);
    expect(c.balance(d)).toBe(before + 11n * CMT);
    const ubd = await c.query(S + 'Query/DelegatorUnbondingDelegations', q.QueryDelegatorUnbondingDelegationsRequest.encode({ delegatorAddr: d }).finish());
    expect(q.QueryDelegatorUnbondingDelegationsResponse.decode(ubd.value).unbondingResponses).toEqual([]);
  });

  it('a validator created by tx joins the set; a redelegation moves power; transitive redelegation is refused', async () => {
    const c = await start([{ op: 0, bond: 100n * CMT }]);
    const create = anyMsg(S + 'MsgCreateValidator', stx.MsgCreateValidator, {
      description: { moniker: 'new' },
      commission: { rate: '100000000000000000', maxRate: '200000000000000000', maxChangeRate: '10000000000000000' },
      minSelfDelegation: '1',
      validatorAddress: valoper(1),
      pubkey: ed25519Any(consKey(1)),
      value: coin(40n * CMT),
    });
    const res = await c.block([await c.tx(1, [create])]);
    expect(res.txResults[0]?.log ?? '').toBe('');
    expect(res.validatorUpdates).toEqual([{ pubKey: { ed25519: consKey(1) }, power: 40n }]);
    await c.ok(2, delegate(2, 0, 20n * CMT));
    const red = anyMsg(S + 'MsgBeginRedelegate', stx.MsgBeginRedelegate, {
      delegatorAddress: w.at(2).address,
      validatorSrcAddress: valoper(0),
      validatorDstAddress: valoper(1),
      amount: coin(15n * CMT),
    });
    const rb = await c.block([await c.tx(2, [red])]);
    expect(rb.txResults[0]?.code).toBe(0);
    expect(rb.validatorUpdates).toEqual([
      { pubKey: { ed25519: consKey(0) }, power: 105n },
      { pubKey: { ed25519: consKey(1) }, power: 55n },
    ]);
    const back = anyMsg(S + 'MsgBeginRedelegate', stx.MsgBeginRedelegate, {
      delegatorAddress: w.at(2).address,
      validatorSrcAddress: valoper(1),
      validatorDstAddress: valoper(0),
      amount: coin(1n * CMT),
    });
    expect((await c.exec(2, back)).log).toMatch(/redelegation/);
    await c.block([], { time: c.now + UNBONDING + 1n });
    await c.ok(2, back);
  });

  it('backups (beyond the active set) hold power 0 and stay bonded; leaving both sets is UNBONDING for the unbonding period', async () => {
    const c = await start([{ op: 0, bond: 100n * CMT }, { op: 1, bond: 50n * CMT }, { op: 2, bond: 40n * CMT }], { activeValidators: 1, backupValidators: 1 });
    const ups = await c.keepers.staking.currentUpdates(c.store);
    expect(ups).toEqual([{ pubKey: { ed25519: consKey(0) }, power: 100n }]);
    expect(await powerOf(c, 1)).toEqual({ power: 0n, active: false });
    expect(pool(c, BONDED_POOL)).toBe(150n * CMT);
    expect(pool(c, NOT_BONDED_POOL)).toBe(40n * CMT);
    const status = (i: number) => c.keepers.staking.mustGetValidator(c.store, parseAddress(w.at(i).address)).status;
    expect([status(0), status(1), status(2)]).toEqual([BondStatus.BOND_STATUS_BONDED, BondStatus.BOND_STATUS_BONDED, BondStatus.BOND_STATUS_UNBONDED]);
    // 2 passes 1: 2 becomes the backup, 1 leaves; CometBFT hears nothing (both had power 0 there).
    const res = await c.block([await c.tx(3, [delegate(3, 2, 20n * CMT)])]);
    expect(res.txResults[0]?.code).toBe(0);
    expect(res.validatorUpdates).toEqual([]);
    expect([status(1), status(2)]).toEqual([BondStatus.BOND_STATUS_UNBONDING, BondStatus.BOND_STATUS_BONDED]);
    expect(pool(c, BONDED_POOL)).toBe(160n * CMT);
    expect(pool(c, NOT_BONDED_POOL)).toBe(50n * CMT);
    const leftAt = c.now;
    expect(c.keepers.staking.mustGetValidator(c.store, parseAddress(w.at(1).address)).unbondingTime.seconds).toBe(leftAt + UNBONDING);
    // 2 passes 0: 2 becomes active, 0 becomes the backup.
    const res2 = await c.block([await c.tx(3, [delegate(3, 2, 45n * CMT)])]);
    expect(res2.validatorUpdates).toEqual([
      { pubKey: { ed25519: consKey(2) }, power: 105n },
      { pubKey: { ed25519: consKey(0) }, power: 0n },
    ]);
    // The unbonding period over, 1 is UNBONDED (0 is still the backup: bonded).
    await c.block([], { time: leftAt + UNBONDING });
    expect([status(0), status(1)]).toEqual([BondStatus.BOND_STATUS_BONDED, BondStatus.BOND_STATUS_UNBONDED]);
  });

  it('answers the staking queries CosmJS uses', async () => {
    const c = await start([{ op: 0, bond: 100n * CMT }]);
    await c.ok(2, delegate(2, 0, 5n * CMT));
    const vals = q.QueryValidatorsResponse.decode((await c.query(S + 'Query/Validators', q.QueryValidatorsRequest.encode({ status: 'BOND_STATUS_BONDED' }).finish())).value);
    expect(vals.validators.map((v) => v.operatorAddress)).toEqual([valoper(0)]);
    const d = q.QueryDelegationResponse.decode(
      (await c.query(S + 'Query/Delegation', q.QueryDelegationRequest.encode({ delegatorAddr: w.at(2).address, validatorAddr: valoper(0) }).finish())).value,
    );
    expect(d.delegationResponse?.balance).toEqual(coin(5n * CMT));
    const p = q.QueryPoolResponse.decode((await c.query(S + 'Query/Pool', new Uint8Array())).value);
    expect(p.pool).toEqual({ bondedTokens: (105n * CMT).toString(), notBondedTokens: '0' });
    const hist = await c.query(S + 'Query/HistoricalInfo', q.QueryHistoricalInfoRequest.encode({ height: 1n }).finish());
    expect(hist.code).not.toBe(0);
    const vd = q.QueryValidatorDelegationsResponse.decode((await c.query(S + 'Query/ValidatorDelegations', q.QueryValidatorDelegationsRequest.encode({ validatorAddr: valoper(0) }).finish())).value);
    expect(vd.delegationResponses).toHaveLength(2);
  });
});
