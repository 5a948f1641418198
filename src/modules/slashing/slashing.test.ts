// Slashing through the in-process app: double-sign evidence (5% of the stake bonded at the
// infraction, unbonding entries and redelegations included), tombstones, downtime (0.01% and a
// jail), MsgUnjail's errors and success, the Cosmos slashing queries, and F1 rewards of a
// delegation that spans a slash. The fixture checks every module invariant after every block
// (pools, shares, distribution's funds, supply = genesis + minted − burned).
import { toBech32 } from '@cosmjs/encoding';
import * as sq from 'cosmjs-types/cosmos/slashing/v1beta1/query';
import * as dq from 'cosmjs-types/cosmos/distribution/v1beta1/query';
import * as sltx from 'cosmjs-types/cosmos/slashing/v1beta1/tx';
import { BondStatus } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import * as stx from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import * as dtx from 'cosmjs-types/cosmos/distribution/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { MisbehaviorType, type CommitInfo, type Misbehavior } from 'cosmjs-types/tendermint/abci/types';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultAppState, TestChain } from '../../testing/chain-fixture.js';
import { createTestWallet, type TestWallet } from '../../testing/tx-fixture.js';
import { parseAddress } from '../auth/address.js';
import { YEAR_SECONDS } from '../distribution/awards.js';
import { consAddress, VALCONS_PREFIX } from '../staking/address.js';
import { anyMsg, CMT, consKey, stakingHelpers } from '../../testing/staking-fixture.js';
import { initSlashingGenesis } from './genesis.js';

const UNBONDING = 1000n;
const cons = (i: number) => consAddress(consKey(i));
const valcons = (i: number) => toBech32(VALCONS_PREFIX, cons(i));

let w: TestWallet;
let chain: TestChain | undefined;
beforeAll(async () => {
  w = await createTestWallet(6);
});
afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

const { valoper, delegate, undelegate, redelegate, stakingGenesis } = stakingHelpers(() => w);
const msg = anyMsg;
const S = '/cosmos.staking.v1beta1.';
const unjail = (valoperAddress: string) => msg('/cosmos.slashing.v1beta1.MsgUnjail', sltx.MsgUnjail, { validatorAddr: valoperAddress });

async function start(opts: { validators: number; inflationBps?: number; slashing?: Record<string, unknown>; zeroCommission?: boolean }): Promise<TestChain> {
  const appState = {
    ...defaultAppState(w, {}),
    distribution: { params: { inflationBps: opts.inflationBps ?? 0, backupShareBps: 1000 } },
    staking: stakingGenesis(
      Array.from({ length: opts.validators }, (_, op) => ({ op, bond: 100n * CMT, zeroCommission: opts.zeroCommission === true })),
      { unbondingTimeSeconds: UNBONDING },
    ),
    ...(opts.slashing === undefined ? {} : { slashing: { params: opts.slashing } }),
  };
  chain = await TestChain.start(w, { appState });
  return chain;
}

const v = (c: TestChain, i: number) => c.keepers.staking.mustGetValidator(c.store, parseAddress(w.at(i).address));
const tokens = (c: TestChain, i: number) => BigInt(v(c, i).tokens);
const delegationTokens = (c: TestChain, del: number, val: number) => {
  const d = c.keepers.staking.getDelegation(c.store, parseAddress(w.at(del).address), parseAddress(w.at(val).address));
  return d === undefined ? 0n : c.keepers.staking.tokensOf(v(c, val), BigInt(d.shares));
};
const unbondingBalances = (c: TestChain, del: number, val: number) =>
  (c.keepers.staking.getUnbonding(c.store, parseAddress(w.at(del).address), parseAddress(w.at(val).address))?.entries ?? []).map((e) => BigInt(e.balance));
const duplicateVote = (i: number, height: bigint, timeSeconds: bigint): Misbehavior => ({
  type: MisbehaviorType.DUPLICATE_VOTE,
  validator: { address: cons(i), power: 100n },
  height,
  time: { seconds: timeSeconds, nanos: 0 },
  totalVotingPower: 300n,
});
/** The previous block's votes: `signers` signed (BlockIDFlag COMMIT), `absent` did not (ABSENT). */
const votes = (signers: number[], absent: number[]): CommitInfo => ({
  round: 0,
  votes: [
    ...signers.map((i) => ({ validator: { address: cons(i), power: 100n }, blockIdFlag: 2 })),
    ...absent.map((i) => ({ validator: { address: cons(i), power: 100n }, blockIdFlag: 1 })),
  ],
});
const signingInfo = async (c: TestChain, i: number) => {
  const res = await c.query('/cosmos.slashing.v1beta1.Query/SigningInfo', sq.QuerySigningInfoRequest.encode({ consAddress: valcons(i) }).finish());
  if (res.code !== 0) throw new Error(`signing info: ${res.codespace}/${res.code} ${res.log}`);
  return sq.QuerySigningInfoResponse.decode(res.value).valSigningInfo;
};

describe('double sign', () => {
  it('slashes exactly 5% (floored) of the validator, of unbonding entries and redelegations made since the infraction, burns it, jails and tombstones', async () => {
    const c = await start({ validators: 2 });
    await c.ok(3, delegate(3, 0, 20n * CMT));
    await c.ok(4, delegate(4, 0, 40n * CMT));
    // An unbonding entry from before the infraction (height < H − 1): not slashed.
    await c.ok(3, undelegate(3, 0, 2n * CMT));
    await c.block();
    await c.block();
    const infraction = c.height + 1n;
    await c.block();
    const infractionTime = c.now;
    // After the infraction: an unbonding entry of 10.000007 CMT and a redelegation of 20 CMT.
    await c.ok(3, undelegate(3, 0, 10n * CMT + 7n));
    await c.ok(4, redelegate(4, 0, 1, 20n * CMT));
    expect(tokens(c, 0)).toBe(128n * CMT - 7n);
    expect(delegationTokens(c, 3, 0)).toBe(8n * CMT - 7n);
    expect(delegationTokens(c, 4, 1)).toBe(20n * CMT);
    const supply = c.supply();

    const res = await c.block([], { misbehavior: [duplicateVote(0, infraction, infractionTime)] });
    // The validator: 127,999,993 − floor(5% of it) = 127,999,993 − 6,399,999 (6,399,999.65 floored).
    expect(tokens(c, 0)).toBe(127_999_993n - 6_399_999n);
    // A delegator's stake falls with the validator's tokens (its shares stay): 7,999,993 × 0.95 = 7,599,993.35, floored.
    expect(delegationTokens(c, 3, 0)).toBe(7_599_993n);
    // The fee quota's per-account delegated total follows the slashed stake.
    const delegated = (i: number) => c.keepers.staking.delegatedTotal(c.store, parseAddress(w.at(i).address));
    expect(delegated(3)).toBe(7_599_993n);
    // The entry made after the infraction loses 5% of its initial 10,000,007 (500,000.35 floored); the older one nothing.
    expect(unbondingBalances(c, 3, 0)).toEqual([2n * CMT, 10_000_007n - 500_000n]);
    // The redelegation: 5% of the destination shares it bought (1 CMT) is taken from validator 1 and burned.
    expect(delegationTokens(c, 4, 1)).toBe(19n * CMT);
    expect(tokens(c, 1)).toBe(119n * CMT);
    expect(delegated(4)).toBe(delegationTokens(c, 4, 0) + delegationTokens(c, 4, 1));
    expect(supply - c.supply()).toBe(6_399_999n + 500_000n + 1n * CMT);
    expect(c.keepers.bank.burned(c.store, 'ucmt')).toBe(6_399_999n + 500_000n + 1n * CMT);
    // Jailed and out of CometBFT's set in this very block's updates; tombstoned.
    expect(v(c, 0).jailed).toBe(true);
    expect(res.validatorUpdates).toEqual([{ pubKey: { ed25519: consKey(1) }, power: 119n }, { pubKey: { ed25519: consKey(0) }, power: 0n }]);
    expect(v(c, 0).status).toBe(BondStatus.BOND_STATUS_UNBONDING);
    const info = await signingInfo(c, 0);
    expect(info?.tombstoned).toBe(true);
    expect(info?.address).toBe(valcons(0));
    // Distribution's ValidatorSlashes (CosmJS distribution extension) lists it, by the block height.
    const slashedAt = c.height;
    const slashes = async (from: bigint, to: bigint) =>
      c.query('/cosmos.distribution.v1beta1.Query/ValidatorSlashes', dq.QueryValidatorSlashesRequest.encode({ validatorAddress: valoper(0), startingHeight: from, endingHeight: to }).finish());
    const listed = dq.QueryValidatorSlashesResponse.decode((await slashes(1n, slashedAt)).value).slashes;
    expect(listed).toHaveLength(1);
    expect(listed[0]?.fraction).toBe(((6_399_999n * 10n ** 18n) / 127_999_993n).toString());
    expect(listed[0]?.validatorPeriod).toBeGreaterThan(0n);
    expect(dq.QueryValidatorSlashesResponse.decode((await slashes(slashedAt + 1n, slashedAt + 5n)).value).slashes).toEqual([]);
    const backwards = await slashes(slashedAt, 1n);
    expect([backwards.codespace, backwards.code]).toEqual(['sdk', 18]);
    expect(backwards.log).toMatch(/starting_height .* is after ending_height/);
    expect(res.events.some((e) => e.type === 'slash' && e.attributes.some((a) => a.key === 'reason' && a.value === 'double_sign'))).toBe(true);

    // A second piece of evidence for the tombstoned validator, and evidence older than the
    // unbonding period for validator 1, change nothing.
    const after = [tokens(c, 0), tokens(c, 1), c.supply()];
    await c.block([], { misbehavior: [duplicateVote(0, infraction, infractionTime), duplicateVote(1, c.height, c.now - UNBONDING - 1n)] });
    expect([tokens(c, 0), tokens(c, 1), c.supply()]).toEqual(after);
    expect(v(c, 1).jailed).toBe(false);

    // It can never unjail: a clear code, no state change.
    const r = await c.exec(0, unjail(valoper(0)));
    expect([r.codespace, r.code]).toEqual(['slashing', 101]);
    expect(r.log).toMatch(/double signing/);
    expect(v(c, 0).jailed).toBe(true);
  });
});

describe('an unbonding validator', () => {
  it('is still slashed for a double sign done while bonded: from the not-bonded pool, and tombstoned', async () => {
    const c = await start({ validators: 3, slashing: { signed_blocks_window: '2' } });
    const infraction = c.height;
    const infractionTime = c.now;
    await c.block([], { lastCommit: votes([0, 1], [2]) });
    await c.block([], { lastCommit: votes([0, 1], [2]) });
    expect(v(c, 2).jailed).toBe(true);
    expect(v(c, 2).status).toBe(BondStatus.BOND_STATUS_UNBONDING);
    const before = tokens(c, 2);
    const supply = c.supply();
    await c.block([], { misbehavior: [duplicateVote(2, infraction, infractionTime)] });
    expect(tokens(c, 2)).toBe(before - before / 20n);
    expect(supply - c.supply()).toBe(before / 20n);
    expect((await signingInfo(c, 2))?.tombstoned).toBe(true);
    // The unbonding period over, it is UNBONDED; the pools' invariant held at every block.
    await c.block([], { time: c.now + UNBONDING });
    expect(v(c, 2).status).toBe(BondStatus.BOND_STATUS_UNBONDED);
  });
});

describe('downtime', () => {
  it('jails after missing more than half of a 10-block window, slashes 0.01%, and lets the operator unjail after the jail period', async () => {
    const c = await start({ validators: 3, slashing: { signed_blocks_window: '10', min_signed_per_window: '0.5', downtime_jail_duration_seconds: '60' } });
    // Validator 2 will be below its min self-delegation after the 0.01% slash: it raises it to its whole self-bond.
    await c.ok(2, msg(S + 'MsgEditValidator', stx.MsgEditValidator, {
      validatorAddress: valoper(2),
      description: { moniker: '[do-not-modify]', identity: '[do-not-modify]', website: '[do-not-modify]', securityContact: '[do-not-modify]', details: '[do-not-modify]' },
      commissionRate: '',
      minSelfDelegation: (100n * CMT).toString(),
    }));
    const first = c.height + 1n;
    let jailedAt = 0n;
    let updates: unknown[] = [];
    for (let i = 0; i < 12 && jailedAt === 0n; i++) {
      const res = await c.block([], { lastCommit: votes([0, 1], [2]) });
      if (v(c, 2).jailed) {
        jailedAt = c.height;
        updates = res.validatorUpdates;
      }
    }
    // Counted from its first vote (height `first`): down at the 10th block, with 10 > 5 missed.
    expect(jailedAt).toBe(first + 9n);
    expect(updates).toEqual([{ pubKey: { ed25519: consKey(2) }, power: 0n }]);
    expect(tokens(c, 2)).toBe(100n * CMT - 10_000n);
    const info = await signingInfo(c, 2);
    expect(info).toMatchObject({ missedBlocksCounter: 0n, indexOffset: 0n, tombstoned: false, jailedUntil: { seconds: c.now + 60n, nanos: 0 } });
    const ok = await signingInfo(c, 0);
    expect(ok?.missedBlocksCounter).toBe(0n);
    expect(ok?.indexOffset).toBe(10n);
    // Its misses no longer count while it is jailed.
    await c.block([], { lastCommit: votes([0, 1], [2]) });
    expect((await signingInfo(c, 2))?.indexOffset).toBe(0n);

    // Unjail errors, each with its code and no state change.
    const state = () => [v(c, 2), c.balance(w.at(2).address)];
    const expectRefused = async (signer: number, m: Any, codespace: string, code: number) => {
      const before = JSON.stringify(state(), (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
      const r = await c.exec(signer, m);
      expect([r.codespace, r.code, r.log]).toEqual([codespace, code, expect.any(String)]);
      // Only the fee/sequence of the signer may change: the validator does not.
      expect(JSON.stringify(v(c, 2), (_k, x) => (typeof x === 'bigint' ? x.toString() : x))).toBe(JSON.stringify(JSON.parse(before)[0]));
      return r;
    };
    expect((await expectRefused(2, unjail(valoper(2)), 'slashing', 4)).log).toMatch(/jailed until/);
    await expectRefused(0, unjail(valoper(0)), 'slashing', 5); // not jailed
    await expectRefused(3, unjail(valoper(3)), 'slashing', 2); // not a validator
    await expectRefused(3, unjail('cmtvaloper1notanaddress'), 'sdk', 7); // malformed address
    // Signed by someone other than the operator: refused by the signature check.
    const wrong = await c.block([await c.tx(3, [unjail(valoper(2))])]);
    expect(wrong.txResults[0]?.code).not.toBe(0);
    expect(v(c, 2).jailed).toBe(true);

    // The jail period over: its self-delegation (99.99 CMT after the slash) is below its min (100 CMT).
    await c.block([], { time: c.now + 60n });
    expect((await expectRefused(2, unjail(valoper(2)), 'slashing', 7)).log).toMatch(/min_self_delegation/);
    await c.ok(2, delegate(2, 2, 1n * CMT));
    const res = await c.block([await c.tx(2, [unjail(valoper(2))])]);
    expect(res.txResults[0]?.code).toBe(0);
    expect(v(c, 2).jailed).toBe(false);
    expect(v(c, 2).status).toBe(BondStatus.BOND_STATUS_BONDED);
    expect(res.validatorUpdates).toEqual([{ pubKey: { ed25519: consKey(2) }, power: 100n }]);
    expect((await signingInfo(c, 2))?.startHeight).toBe(c.height);
  });

  it('answers the slashing params and paginated signing infos as CosmJS expects', async () => {
    const c = await start({ validators: 3 });
    await c.block([], { lastCommit: votes([0, 1], [2]) });
    const p = sq.QueryParamsResponse.decode((await c.query('/cosmos.slashing.v1beta1.Query/Params', new Uint8Array())).value).params;
    const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
    expect(p?.signedBlocksWindow).toBe(100n);
    expect(dec(p?.minSignedPerWindow)).toBe('500000000000000000');
    expect(p?.downtimeJailDuration).toEqual({ seconds: 600n, nanos: 0 });
    expect(dec(p?.slashFractionDoubleSign)).toBe('50000000000000000');
    expect(dec(p?.slashFractionDowntime)).toBe('100000000000000');
    const page1 = sq.QuerySigningInfosResponse.decode(
      (await c.query('/cosmos.slashing.v1beta1.Query/SigningInfos', sq.QuerySigningInfosRequest.encode({ pagination: { key: new Uint8Array(), offset: 0n, limit: 2n, countTotal: true, reverse: false } }).finish())).value,
    );
    expect(page1.info).toHaveLength(2);
    expect(page1.pagination?.total).toBe(3n);
    const page2 = sq.QuerySigningInfosResponse.decode(
      (await c.query('/cosmos.slashing.v1beta1.Query/SigningInfos', sq.QuerySigningInfosRequest.encode({ pagination: { key: page1.pagination?.nextKey ?? new Uint8Array(), offset: 0n, limit: 2n, countTotal: false, reverse: false } }).finish())).value,
    );
    expect(page2.info).toHaveLength(1);
    expect(new Set([...page1.info, ...page2.info].map((i) => i.address))).toEqual(new Set([valcons(0), valcons(1), valcons(2)]));
    expect((await signingInfo(c, 2))?.missedBlocksCounter).toBe(1n);
    const bad = await c.query('/cosmos.slashing.v1beta1.Query/SigningInfo', sq.QuerySigningInfoRequest.encode({ consAddress: valoper(0) }).finish());
    expect([bad.codespace, bad.code]).toEqual(['sdk', 7]);
    const missing = await c.query('/cosmos.slashing.v1beta1.Query/SigningInfo', sq.QuerySigningInfoRequest.encode({ consAddress: valcons(5) }).finish());
    expect([missing.codespace, missing.code]).toEqual(['slashing', 8]);
  });

  it('exports params, signing infos and missed blocks, and imports them back unchanged', async () => {
    const c = await start({ validators: 3, slashing: { signed_blocks_window: '4' } });
    for (const absent of [[2], [1, 2], [], [2], [1]]) await c.block([], { lastCommit: votes([0, 1, 2].filter((i) => !absent.includes(i)), absent) });
    const exported = (await c.exportAppState())['slashing'] as { signingInfos?: { address: string; missedIndexes?: string[]; missedBlocksCounter?: string }[] };
    const infos = exported.signingInfos ?? [];
    expect(infos).toHaveLength(3);
    // Validator 1 missed blocks 2 and 5 (indexes 1 and 0 of a 4-block window); validator 2 was
    // jailed at block 4 (3 > 2 missed) and its window cleared.
    expect(infos.find((i) => i.address === valcons(1))).toMatchObject({ missedBlocksCounter: '2', missedIndexes: ['0', '1'] });
    expect(infos.find((i) => i.address === valcons(2))?.missedIndexes ?? []).toEqual([]);
    expect(v(c, 2).jailed).toBe(true);
    const state = { ...defaultAppState(w, {}), slashing: exported };
    await c.close();
    chain = await TestChain.start(w, { appState: state });
    expect((await chain.exportAppState())['slashing']).toEqual(exported);
  });

  it('refuses bad genesis params and signing infos, naming the field', async () => {
    const c = await start({ validators: 1 });
    const init = (state: unknown) => initSlashingGenesis(c.keepers.slashing, c.store.branch(), state);
    await expect(init({ params: { min_signed_per_window: '1.5' } })).rejects.toThrow(/app_state.slashing.params: min_signed_per_window "1.5"/);
    await expect(init({ params: { signed_blocks_window: '-3' } })).rejects.toThrow(/signed_blocks_window must be positive/);
    await expect(init({ params: { slash_fraction_downtime: 'lots' } })).rejects.toThrow(/slash_fraction_downtime/);
    await expect(init({ signing_infos: [{ address: valoper(0) }] })).rejects.toThrow(/signing_infos\[0\].address/);
    await expect(init({ signing_infos: [{ address: valcons(0), missed_blocks_counter: '1', missed_indexes: ['100'] }] })).rejects.toThrow(/outside the window/);
    await expect(init({ signing_infos: [{ address: valcons(0), missed_blocks_counter: '2', missed_indexes: ['1'] }] })).rejects.toThrow(/missed_blocks_counter 2 but 1/);
  });
});

describe('F1 rewards across a slash', () => {
  it("pays a delegator by its stake before the slash, then by its reduced stake", async () => {
    // 10% a year of the 6,000 CMT genesis supply: 600,000,000 ucmt in a block a year after the last.
    // Other blocks share the last one's time: nothing is minted in them.
    const c = await start({ validators: 2, inflationBps: 1000, zeroCommission: true, slashing: { signed_blocks_window: '2', downtime_jail_duration_seconds: '1' } });
    await c.block([await c.tx(3, [delegate(3, 0, 100n * CMT)])], { time: c.now });
    // Block A: validator 0 (200 CMT) earns 2/3: 400,000,000, half of it the delegator's.
    await c.block([], { time: c.now + YEAR_SECONDS });
    // Validator 0 misses two blocks: down, 0.01% slashed (200 CMT → 199.98 CMT), jailed.
    await c.block([], { time: c.now, lastCommit: votes([1], [0]) });
    await c.block([], { time: c.now, lastCommit: votes([1], [0]) });
    expect(v(c, 0).jailed).toBe(true);
    expect(tokens(c, 0)).toBe(199_980_000n);
    await c.block([await c.tx(0, [unjail(valoper(0))])], { time: c.now + 1n });
    expect(v(c, 0).jailed).toBe(false);
    // Block D: 600,000,000 by stake, 199,980,000 : 100,000,000 → validator 0 gets
    // floor(600e6 × 199.98 / 299.98) = 399,986,665; ratio floor(399,986,665e18 / 199,980,000) =
    // 2,000,133,338,333,833,383; the delegator's stake after the slash is 100e6 × 199.98 / 200 =
    // 99,990,000, so it earns floor(99,990,000 × ratio / 1e18) = 199,993,332.
    await c.block([], { time: c.now + YEAR_SECONDS });
    const before = c.balance(w.at(3).address);
    const r = await c.ok(3, msg('/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward', dtx.MsgWithdrawDelegatorReward, { delegatorAddress: w.at(3).address, validatorAddress: valoper(0) }), { time: c.now });
    expect(r.code).toBe(0);
    expect(c.balance(w.at(3).address) - before).toBe(200_000_000n + 199_993_332n);
  });
});
