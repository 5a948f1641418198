// distribution module adapter: cosmos.distribution.v1beta1 messages and the queries CosmJS's
// distribution extension calls; awards in end-block (before staking's set update, so the set
// that served the block is paid).
import * as dtx from 'cosmjs-types/cosmos/distribution/v1beta1/tx';
import * as dq from 'cosmjs-types/cosmos/distribution/v1beta1/query';
import { Delegation, Validator } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { AppModule, Invariant, QueryHandler } from '../../app/module.js';
import { pageOfList } from '../../app/pagination.js';
import { protoMsg } from '../../app/proto-msg.js';
import { ErrInvalidRequest } from '../../errors/sdk-errors.js';
import { EventManager } from '../../events/event.js';
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState } from '../../generated/cybermiles/distribution/v1/distribution.js';
import { parseAddress, toAddress } from '../auth/address.js';
import { parseValoper } from '../staking/address.js';
import { ErrNoDelegation } from '../staking/errors.js';
import { delegationsOfPrefix, VALIDATOR_PREFIX } from '../staking/keys.js';
import type { StakingKeeper } from '../staking/keeper.js';
import type { DistributionBank, DistributionKeeper } from './keeper.js';
import { distributionParams } from './params.js';

const PKG = '/cosmos.distribution.v1beta1.';
const Q = '/cosmos.distribution.v1beta1.Query/';
const DEC = 10n ** 18n;
const decCoins = (amount: bigint) => (amount === 0n ? [] : [{ denom: 'ucmt', amount: (amount * DEC).toString() }]);
const coins = (amount: bigint) => (amount === 0n ? [] : [{ denom: 'ucmt', amount: amount.toString() }]);

export function distributionModule(k: DistributionKeeper, staking: StakingKeeper, bank: DistributionBank): AppModule {
  const invariant: Invariant = {
    name: 'distribution/owed-funds',
    async check(store) {
      const vals: Uint8Array[] = [];
      for await (const v of staking.iterate(store, VALIDATOR_PREFIX, Validator.decode)) vals.push(parseValoper(v.operatorAddress));
      const owed = await k.owed(store, vals);
      const held = bank.balance(store);
      return held === owed ? undefined : `distribution account holds ${held}ucmt, owes ${owed}ucmt`;
    },
  };
  // Supply moves only by block awards (minted here) and burns (slashes, penalties): no coins
  // appear or vanish anywhere else.
  const supplyInvariant: Invariant = {
    name: 'distribution/supply',
    async check(store) {
      const aw = k.awardState(store);
      const expected = BigInt(aw.genesisSupply) + BigInt(aw.minted === '' ? '0' : aw.minted) - bank.burned(store);
      const supply = bank.supply(store);
      return supply === expected ? undefined : `supply is ${supply}ucmt; genesis ${aw.genesisSupply} + minted ${aw.minted} - burned ${bank.burned(store)} = ${expected}`;
    },
  };
  const queries = new Map<string, QueryHandler>([
    [
      Q + 'Params',
      async () =>
        dq.QueryParamsResponse.encode({
          params: { communityTax: '0', baseProposerReward: '0', bonusProposerReward: '0', withdrawAddrEnabled: true },
        }).finish(),
    ],
    [
      Q + 'ValidatorOutstandingRewards',
      async (ctx, data) => {
        const req = dq.QueryValidatorOutstandingRewardsRequest.decode(data);
        const a = k.accounts(ctx.store, parseValoper(req.validatorAddress, 'validator_address'));
        return dq.QueryValidatorOutstandingRewardsResponse.encode({ rewards: { rewards: decCoins(a.commission + a.delegatorOutstanding) } }).finish();
      },
    ],
    [
      Q + 'ValidatorCommission',
      async (ctx, data) => {
        const req = dq.QueryValidatorCommissionRequest.decode(data);
        const a = k.accounts(ctx.store, parseValoper(req.validatorAddress, 'validator_address'));
        return dq.QueryValidatorCommissionResponse.encode({ commission: { commission: decCoins(a.commission) } }).finish();
      },
    ],
    [
      Q + 'ValidatorSlashes',
      async (ctx, data) => {
        const req = dq.QueryValidatorSlashesRequest.decode(data);
        const val = parseValoper(req.validatorAddress, 'validator_address');
        if (req.startingHeight > req.endingHeight) throw ErrInvalidRequest(`starting_height ${req.startingHeight} is after ending_height ${req.endingHeight}`);
        const all = await k.slashesBetween(ctx.store, val, req.startingHeight, req.endingHeight);
        const { items, pagination } = pageOfList(all, req.pagination);
        return dq.QueryValidatorSlashesResponse.encode({
          slashes: items.map((s) => ({ validatorPeriod: s.period, fraction: s.fraction.toString() })),
          pagination,
        }).finish();
      },
    ],
    [
      Q + 'DelegationRewards',
      async (ctx, data) => {
        const req = dq.QueryDelegationRewardsRequest.decode(data);
        const del = parseAddress(req.delegatorAddress, 'delegator_address');
        const val = parseValoper(req.validatorAddress, 'validator_address');
        if (staking.getDelegation(ctx.store, del, val) === undefined) throw ErrNoDelegation(`${req.delegatorAddress} has no delegation to ${req.validatorAddress}`);
        const r = k.pendingRewards(ctx.store, del, val, staking.mustGetValidator(ctx.store, val));
        return dq.QueryDelegationRewardsResponse.encode({ rewards: decCoins(r) }).finish();
      },
    ],
    [
      Q + 'DelegationTotalRewards',
      async (ctx, data) => {
        const req = dq.QueryDelegationTotalRewardsRequest.decode(data);
        const del = parseAddress(req.delegatorAddress, 'delegator_address');
        const rewards = [];
        let total = 0n;
        for await (const d of staking.iterate(ctx.store, delegationsOfPrefix(del), Delegation.decode)) {
          const val = parseValoper(d.validatorAddress);
          const r = k.pendingRewards(ctx.store, del, val, staking.mustGetValidator(ctx.store, val));
          total += r;
          rewards.push({ validatorAddress: d.validatorAddress, reward: decCoins(r) });
        }
        return dq.QueryDelegationTotalRewardsResponse.encode({ rewards, total: decCoins(total) }).finish();
      },
    ],
    [
      Q + 'DelegatorValidators',
      async (ctx, data) => {
        const req = dq.QueryDelegatorValidatorsRequest.decode(data);
        const del = parseAddress(req.delegatorAddress, 'delegator_address');
        const validators: string[] = [];
        for await (const d of staking.iterate(ctx.store, delegationsOfPrefix(del), Delegation.decode)) validators.push(d.validatorAddress);
        return dq.QueryDelegatorValidatorsResponse.encode({ validators }).finish();
      },
    ],
    [
      Q + 'DelegatorWithdrawAddress',
      async (ctx, data) => {
        const req = dq.QueryDelegatorWithdrawAddressRequest.decode(data);
        const del = parseAddress(req.delegatorAddress, 'delegator_address');
        return dq.QueryDelegatorWithdrawAddressResponse.encode({ withdrawAddress: toAddress(k.withdrawAddress(ctx.store, del)) }).finish();
      },
    ],
    [
      Q + 'CommunityPool',
      async (ctx) => dq.QueryCommunityPoolResponse.encode({ pool: decCoins(BigInt(k.awardState(ctx.store).undistributed)) }).finish(),
    ],
  ]);
  return {
    name: 'distribution',
    msgHandlers: [
      protoMsg({
        typeUrl: PKG + 'MsgWithdrawDelegatorReward',
        module: 'distribution',
        codec: dtx.MsgWithdrawDelegatorReward,
        response: { typeUrl: PKG + 'MsgWithdrawDelegatorRewardResponse', codec: dtx.MsgWithdrawDelegatorRewardResponse },
        signer: (m) => m.delegatorAddress,
        validate: (m) => {
          parseAddress(m.delegatorAddress, 'delegator_address');
          parseValoper(m.validatorAddress);
        },
        handle: (ctx, m) => {
          const del = parseAddress(m.delegatorAddress);
          const val = parseValoper(m.validatorAddress);
          if (staking.getDelegation(ctx.store, del, val) === undefined) throw ErrNoDelegation(`${m.delegatorAddress} has no delegation to ${m.validatorAddress}`);
          return { amount: coins(k.withdrawDelegatorReward(ctx, del, val)) };
        },
      }),
      protoMsg({
        typeUrl: PKG + 'MsgWithdrawValidatorCommission',
        module: 'distribution',
        codec: dtx.MsgWithdrawValidatorCommission,
        response: { typeUrl: PKG + 'MsgWithdrawValidatorCommissionResponse', codec: dtx.MsgWithdrawValidatorCommissionResponse },
        signer: (m) => toAddress(parseValoper(m.validatorAddress)),
        validate: (m) => void parseValoper(m.validatorAddress),
        handle: (ctx, m) => {
          const val = parseValoper(m.validatorAddress);
          staking.mustGetValidator(ctx.store, val);
          return { amount: coins(k.withdrawCommission(ctx, val)) };
        },
      }),
      protoMsg({
        typeUrl: PKG + 'MsgSetWithdrawAddress',
        module: 'distribution',
        codec: dtx.MsgSetWithdrawAddress,
        response: { typeUrl: PKG + 'MsgSetWithdrawAddressResponse', codec: dtx.MsgSetWithdrawAddressResponse },
        signer: (m) => m.delegatorAddress,
        validate: (m) => {
          parseAddress(m.delegatorAddress, 'delegator_address');
          parseAddress(m.withdrawAddress, 'withdraw_address');
        },
        handle: (ctx, m) => {
          k.setWithdrawAddress(ctx.store, parseAddress(m.delegatorAddress), parseAddress(m.withdrawAddress));
          return {};
        },
      }),
    ],
    queries,
    invariants: [invariant, supplyInvariant],
    initGenesis: async (store, state) => {
      const g = parseGenesis(GenesisState.fromJSON, state, 'distribution');
      initParams(store, distributionParams, g.params, 'distribution');
      // Funds already in the account (an exported chain's unpaid awards) are paid with the next awards.
      const held = bank.balance(store);
      k.initGenesis({ store, events: new EventManager() }, 0n, 0);
      if (held > 0n) k.setAwardState(store, { ...k.awardState(store), undistributed: held.toString() });
    },
    exportGenesis: async (store) => GenesisState.toJSON({ params: k.params(store) }),
    endBlock: (ctx) => k.allocate(ctx, ctx.block.timeSeconds, ctx.block.timeNanos),
  };
}
