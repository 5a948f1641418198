// Block awards and F1 rewards through the app: inflation minted by block time, commission to the
// operator, the rest to delegators by stake, exact to the ucmt; withdrawals pay exactly that.
import { toBase64 } from '@cosmjs/encoding';
import * as dq from 'cosmjs-types/cosmos/distribution/v1beta1/query';
import * as dtx from 'cosmjs-types/cosmos/distribution/v1beta1/tx';
import * as stx from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Params } from '../../generated/cybermiles/staking/v1/staking.js';
import { defaultAppState, TestChain } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { parseAddress, toAddress } from '../auth/address.js';
import { toValoper } from '../staking/address.js';
import { DEFAULT_STAKING_PARAMS } from '../staking/params.js';
import { YEAR_SECONDS } from './awards.js';
import { RATIO_SCALE } from './f1.js';
import { HISTORICAL_PREFIX } from './keys.js';
import { prefixRange } from '../../store/range.js';
import { concat, readUint64BE } from '../../util/bytes.js';

const CMT = 1_000_000n;
let w: TestWallet;
let chain: TestChain | undefined;
beforeAll(async () => {
  w = await createTestWallet(4);
});
afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

describe('block awards and F1 rewards', () => {
  it('mints 8% a year of the genesis supply by block time and pays delegators exactly', async () => {
    const valAddr = parseAddress(w.at(0).address);
    const valoper = toValoper(valAddr);
    chain = await TestChain.start(w, {
      appState: {
        ...defaultAppState(w, {}),
        staking: {
          params: Params.toJSON({ ...DEFAULT_STAKING_PARAMS, unbondingTimeSeconds: 100n }),
          validators: [{ operator_address: valoper, consensus_pubkey: toBase64(new Uint8Array(32).fill(7)), self_bond: (100n * CMT).toString() }],
        },
      },
    });
    const c = chain;
    const supply0 = c.supply(); // 4 wallets x 1e9
    expect(supply0).toBe(4_000_000_000n);
    const delegator = w.at(2).address;
    await c.ok(2, {
      typeUrl: '/cosmos.staking.v1beta1.MsgDelegate',
      value: stx.MsgDelegate.encode({ delegatorAddress: delegator, validatorAddress: valoper, amount: { denom: 'ucmt', amount: (50n * CMT).toString() } }).finish(),
    });
    const supply1 = c.supply();
    // A block a year later: exactly 8% of the genesis supply (the carry is below one ucmt).
    await c.block([], { time: c.now + YEAR_SECONDS });
    expect(c.supply() - supply1).toBe(320_000_000n);
    // Commission 10% (the genesis default) to the operator; the pot since the delegation started
    // (this block's 288,000,000 plus the delegation block's own small award) to delegators by stake.
    const k = c.keepers.distribution;
    const accounts = k.accounts(c.store, valAddr);
    const pot = k.f1(c.store.branch()).current(Buffer.from(valAddr).toString('hex'))?.rewards ?? 0n;
    expect(pot - 288_000_000n).toBeGreaterThanOrEqual(0n);
    expect(pot - 288_000_000n).toBeLessThan(100n);
    const ratio = (pot * RATIO_SCALE) / (150n * CMT);
    const expectDelegator = (50n * CMT * ratio) / RATIO_SCALE;
    const expectOperator = (100n * CMT * ratio) / RATIO_SCALE;
    // 50/150 of a pot of 288,000,000 (+ under 100): 96,000,000 (+ under 34).
    expect(expectDelegator - 96_000_000n).toBeGreaterThanOrEqual(0n);
    expect(expectDelegator - 96_000_000n).toBeLessThan(34n);
    const rewards = dq.QueryDelegationRewardsResponse.decode(
      (await c.query('/cosmos.distribution.v1beta1.Query/DelegationRewards', dq.QueryDelegationRewardsRequest.encode({ delegatorAddress: delegator, validatorAddress: valoper }).finish())).value,
    );
    expect(rewards.rewards).toEqual([{ denom: 'ucmt', amount: (expectDelegator * 10n ** 18n).toString() }]);
    // Withdrawals pay exactly that (with no time passing in between: the block awards of the
    // withdrawal block come after the txs).
    const before = c.balance(delegator);
    const opBefore = c.balance(w.at(0).address);
    const t = c.now;
    const res = await c.block(
      [
        await c.tx(2, [{ typeUrl: '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward', value: dtx.MsgWithdrawDelegatorReward.encode({ delegatorAddress: delegator, validatorAddress: valoper }).finish() }]),
        await c.tx(0, [
          { typeUrl: '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward', value: dtx.MsgWithdrawDelegatorReward.encode({ delegatorAddress: toAddress(valAddr), validatorAddress: valoper }).finish() },
          { typeUrl: '/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission', value: dtx.MsgWithdrawValidatorCommission.encode({ validatorAddress: valoper }).finish() },
        ]),
      ],
      { time: t },
    );
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0]);
    expect(c.balance(delegator) - before).toBe(expectDelegator);
    expect(c.balance(w.at(0).address) - opBefore).toBe(expectOperator + accounts.commission);
    expect(accounts.commission).toBeGreaterThanOrEqual(32_000_000n);
    expect(accounts.commission - 32_000_000n).toBeLessThan(100n);
    // Of the periods closed so far (0 to 4), state keeps only the ratios still read: where the
    // delegator restarted after its withdrawal, and where the operator did, which is also the
    // current period's previous one.
    const periods: bigint[] = [];
    const prefix = concat(HISTORICAL_PREFIX, valAddr);
    for await (const [key] of c.store.iterate(prefixRange(prefix))) periods.push(readUint64BE(key.subarray(prefix.length)));
    const current = k.f1(c.store.branch()).current(Buffer.from(valAddr).toString('hex'))?.period ?? 0n;
    expect(current).toBe(5n);
    expect(periods).toEqual([3n, 4n]);
  });
});
