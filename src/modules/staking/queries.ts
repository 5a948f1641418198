// cosmos.staking.v1beta1.Query: every method CosmJS's staking extension calls. HistoricalInfo is
// not kept (NotFound), as the SDK answers with historical_entries = 0.
import type { PageRequest } from 'cosmjs-types/cosmos/base/query/v1beta1/pagination';
import * as q from 'cosmjs-types/cosmos/staking/v1beta1/query';
import {
  BondStatus,
  bondStatusFromJSON,
  Delegation,
  Redelegation,
  UnbondingDelegation,
  Validator,
  type DelegationResponse,
  type RedelegationResponse,
} from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { QueryContext, QueryHandler } from '../../app/module.js';
import { paginate } from '../../app/pagination.js';
import { ErrInvalidRequest, ErrNotFound } from '../../errors/sdk-errors.js';
import { prefixRange } from '../../store/range.js';
import { parseAddress } from '../auth/address.js';
import { parseValoper } from './address.js';
import { ErrNoDelegation, ErrNoUnbondingDelegation } from './errors.js';
import { BONDED_POOL, NOT_BONDED_POOL, type StakingBank } from './expected-keepers.js';
import type { StakingKeeper } from './keeper.js';
import {
  delegationKey,
  delegationsOfPrefix,
  delegationsToPrefix,
  redelegationKey,
  redelegationsFromPrefix,
  redelegationsOfPrefix,
  splitPair,
  unbondingKey,
  unbondingsOfPrefix,
  unbondingsToPrefix,
  VALIDATOR_PREFIX,
} from './keys.js';

const Q = '/cosmos.staking.v1beta1.Query/';

export function stakingQueries(k: StakingKeeper, bank: StakingBank): Map<string, QueryHandler> {
  const denom = (ctx: QueryContext): string => k.params(ctx.store).bondDenom;
  const delegationResponse = (ctx: QueryContext, d: Delegation): DelegationResponse => {
    const v = k.mustGetValidator(ctx.store, parseValoper(d.validatorAddress));
    return { delegation: d, balance: { denom: denom(ctx), amount: k.tokensOf(v, BigInt(d.shares)).toString() } };
  };
  const mustGet = <T>(ctx: QueryContext, key: Uint8Array, decode: (b: Uint8Array) => T, what: string): T => {
    const raw = ctx.store.get(key);
    if (raw === undefined) throw new Error(`index points at missing ${what}`);
    return decode(raw);
  };
  const redelegationResponse = (red: Redelegation): RedelegationResponse => ({
    redelegation: red,
    entries: red.entries.map((e) => ({ redelegationEntry: e, balance: e.initialBalance })),
  });
  return new Map<string, QueryHandler>([
    [
      Q + 'Validators',
      async (ctx, data) => {
        const req = q.QueryValidatorsRequest.decode(data);
        if (req.status === '') {
          const page = await paginate(ctx.store, VALIDATOR_PREFIX, prefixRange(VALIDATOR_PREFIX), req.pagination, (_, v) => Validator.decode(v));
          return q.QueryValidatorsResponse.encode({ validators: page.items, pagination: page.pagination }).finish();
        }
        const status = bondStatusFromJSON(req.status);
        if (status === BondStatus.UNRECOGNIZED || status === BondStatus.BOND_STATUS_UNSPECIFIED) {
          throw ErrInvalidRequest(`invalid validator status ${req.status}`);
        }
        const all: Validator[] = [];
        for await (const v of k.iterate(ctx.store, VALIDATOR_PREFIX, Validator.decode)) if (v.status === status) all.push(v);
        return q.QueryValidatorsResponse.encode({ validators: slice(all, req.pagination), pagination: { nextKey: new Uint8Array(), total: BigInt(all.length) } }).finish();
      },
    ],
    [
      Q + 'Validator',
      async (ctx, data) => {
        const req = q.QueryValidatorRequest.decode(data);
        return q.QueryValidatorResponse.encode({ validator: k.mustGetValidator(ctx.store, parseValoper(req.validatorAddr, 'validator_addr')) }).finish();
      },
    ],
    [
      Q + 'ValidatorDelegations',
      async (ctx, data) => {
        const req = q.QueryValidatorDelegationsRequest.decode(data);
        const val = parseValoper(req.validatorAddr, 'validator_addr');
        const prefix = delegationsToPrefix(val);
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (key) =>
          delegationResponse(ctx, mustGet(ctx, delegationKey(key.slice(prefix.length), val), Delegation.decode, 'delegation')),
        );
        return q.QueryValidatorDelegationsResponse.encode({ delegationResponses: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'ValidatorUnbondingDelegations',
      async (ctx, data) => {
        const req = q.QueryValidatorUnbondingDelegationsRequest.decode(data);
        const val = parseValoper(req.validatorAddr, 'validator_addr');
        const prefix = unbondingsToPrefix(val);
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (key) =>
          mustGet(ctx, unbondingKey(key.slice(prefix.length), val), UnbondingDelegation.decode, 'unbonding delegation'),
        );
        return q.QueryValidatorUnbondingDelegationsResponse.encode({ unbondingResponses: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'Delegation',
      async (ctx, data) => {
        const req = q.QueryDelegationRequest.decode(data);
        const del = parseAddress(req.delegatorAddr, 'delegator_addr');
        const val = parseValoper(req.validatorAddr, 'validator_addr');
        const d = k.getDelegation(ctx.store, del, val);
        if (d === undefined) throw ErrNoDelegation(`delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`);
        return q.QueryDelegationResponse.encode({ delegationResponse: delegationResponse(ctx, d) }).finish();
      },
    ],
    [
      Q + 'UnbondingDelegation',
      async (ctx, data) => {
        const req = q.QueryUnbondingDelegationRequest.decode(data);
        const ubd = k.getUnbonding(ctx.store, parseAddress(req.delegatorAddr, 'delegator_addr'), parseValoper(req.validatorAddr, 'validator_addr'));
        if (ubd === undefined) throw ErrNoUnbondingDelegation(`unbonding delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`);
        return q.QueryUnbondingDelegationResponse.encode({ unbond: ubd }).finish();
      },
    ],
    [
      Q + 'DelegatorDelegations',
      async (ctx, data) => {
        const req = q.QueryDelegatorDelegationsRequest.decode(data);
        const prefix = delegationsOfPrefix(parseAddress(req.delegatorAddr, 'delegator_addr'));
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (_, v) => delegationResponse(ctx, Delegation.decode(v)));
        return q.QueryDelegatorDelegationsResponse.encode({ delegationResponses: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'DelegatorUnbondingDelegations',
      async (ctx, data) => {
        const req = q.QueryDelegatorUnbondingDelegationsRequest.decode(data);
        const prefix = unbondingsOfPrefix(parseAddress(req.delegatorAddr, 'delegator_addr'));
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (_, v) => UnbondingDelegation.decode(v));
        return q.QueryDelegatorUnbondingDelegationsResponse.encode({ unbondingResponses: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'Redelegations',
      async (ctx, data) => {
        const req = q.QueryRedelegationsRequest.decode(data);
        const out: RedelegationResponse[] = [];
        if (req.delegatorAddr !== '' && req.srcValidatorAddr !== '' && req.dstValidatorAddr !== '') {
          const red = k.getRedelegation(
            ctx.store,
            parseAddress(req.delegatorAddr, 'delegator_addr'),
            parseValoper(req.srcValidatorAddr, 'src_validator_addr'),
            parseValoper(req.dstValidatorAddr, 'dst_validator_addr'),
          );
          if (red === undefined) throw ErrNotFound(`redelegation not found for delegator address ${req.delegatorAddr} from validator address ${req.srcValidatorAddr}`);
          out.push(redelegationResponse(red));
        } else if (req.delegatorAddr !== '') {
          const prefix = redelegationsOfPrefix(parseAddress(req.delegatorAddr, 'delegator_addr'));
          for await (const red of k.iterate(ctx.store, prefix, Redelegation.decode)) out.push(redelegationResponse(red));
        } else if (req.srcValidatorAddr !== '') {
          const src = parseValoper(req.srcValidatorAddr, 'src_validator_addr');
          const prefix = redelegationsFromPrefix(src);
          for await (const [key] of ctx.store.iterate(prefixRange(prefix))) {
            const { first: del, tail: dst } = splitPair(key.slice(prefix.length));
            out.push(redelegationResponse(mustGet(ctx, redelegationKey(del, src, dst), Redelegation.decode, 'redelegation')));
          }
        } else {
          throw ErrInvalidRequest('give delegator_addr or src_validator_addr');
        }
        return q.QueryRedelegationsResponse.encode({ redelegationResponses: slice(out, req.pagination), pagination: { nextKey: new Uint8Array(), total: BigInt(out.length) } }).finish();
      },
    ],
    [
      Q + 'DelegatorValidators',
      async (ctx, data) => {
        const req = q.QueryDelegatorValidatorsRequest.decode(data);
        const prefix = delegationsOfPrefix(parseAddress(req.delegatorAddr, 'delegator_addr'));
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (_, v) =>
          k.mustGetValidator(ctx.store, parseValoper(Delegation.decode(v).validatorAddress)),
        );
        return q.QueryDelegatorValidatorsResponse.encode({ validators: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'DelegatorValidator',
      async (ctx, data) => {
        const req = q.QueryDelegatorValidatorRequest.decode(data);
        const del = parseAddress(req.delegatorAddr, 'delegator_addr');
        const val = parseValoper(req.validatorAddr, 'validator_addr');
        if (k.getDelegation(ctx.store, del, val) === undefined) throw ErrNoDelegation(`${req.delegatorAddr} has no delegation to ${req.validatorAddr}`);
        return q.QueryDelegatorValidatorResponse.encode({ validator: k.mustGetValidator(ctx.store, val) }).finish();
      },
    ],
    [
      Q + 'HistoricalInfo',
      async (_ctx, data) => {
        const req = q.QueryHistoricalInfoRequest.decode(data);
        throw ErrNotFound(`historical info for height ${req.height} not found (historical_entries is 0)`);
      },
    ],
    [
      Q + 'Pool',
      async (ctx) =>
        q.QueryPoolResponse.encode({
          pool: { bondedTokens: bank.poolBalance(ctx.store, BONDED_POOL).toString(), notBondedTokens: bank.poolBalance(ctx.store, NOT_BONDED_POOL).toString() },
        }).finish(),
    ],
    [
      Q + 'Params',
      async (ctx) => {
        const p = k.params(ctx.store);
        return q.QueryParamsResponse.encode({
          params: {
            unbondingTime: { seconds: p.unbondingTimeSeconds, nanos: 0 },
            maxValidators: p.activeValidators,
            maxEntries: p.maxEntries,
            historicalEntries: 0,
            bondDenom: p.bondDenom,
            minCommissionRate: '0',
          },
        }).finish();
      },
    ],
  ]);
}

function slice<T>(all: readonly T[], page: PageRequest | undefined): T[] {
  const offset = Number(page?.offset ?? 0n);
  const limit = page === undefined || page.limit === 0n ? 100 : Number(page.limit);
  return all.slice(offset, offset + limit);
}


