// staking invariants: the pools hold exactly the tokens that should be in them, and every
// validator's delegator shares are the sum of its delegations' shares.
import { BondStatus, Delegation, UnbondingDelegation, Validator } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { Invariant } from '../../app/module.js';
import { BONDED_POOL, NOT_BONDED_POOL, type StakingBank } from './expected-keepers.js';
import type { StakingKeeper } from './keeper.js';
import { DELEGATION_PREFIX, UNBONDING_PREFIX, VALIDATOR_PREFIX } from './keys.js';

export function stakingPoolsInvariant(k: StakingKeeper, bank: StakingBank): Invariant {
  return {
    name: 'staking/module-accounts',
    async check(store) {
      let bonded = 0n;
      let notBonded = 0n;
      for await (const v of k.iterate(store, VALIDATOR_PREFIX, Validator.decode)) {
        if (v.status === BondStatus.BOND_STATUS_BONDED) bonded += BigInt(v.tokens);
        else notBonded += BigInt(v.tokens);
      }
      for await (const u of k.iterate(store, UNBONDING_PREFIX, UnbondingDelegation.decode)) {
        for (const e of u.entries) notBonded += BigInt(e.balance);
      }
      const heldBonded = bank.poolBalance(store, BONDED_POOL);
      const heldNotBonded = bank.poolBalance(store, NOT_BONDED_POOL);
      if (heldBonded !== bonded) return `bonded pool holds ${heldBonded}, bonded validators' tokens are ${bonded}`;
      if (heldNotBonded !== notBonded) return `not-bonded pool holds ${heldNotBonded}, unbonding entries and unbonded validators' tokens are ${notBonded}`;
      return undefined;
    },
  };
}

export function stakingSharesInvariant(k: StakingKeeper): Invariant {
  return {
    name: 'staking/delegator-shares',
    async check(store) {
      const sums = new Map<string, bigint>();
      for await (const d of k.iterate(store, DELEGATION_PREFIX, Delegation.decode)) {
        sums.set(d.validatorAddress, (sums.get(d.validatorAddress) ?? 0n) + BigInt(d.shares));
      }
      for await (const v of k.iterate(store, VALIDATOR_PREFIX, Validator.decode)) {
        const sum = sums.get(v.operatorAddress) ?? 0n;
        if (sum !== BigInt(v.delegatorShares)) return `${v.operatorAddress} has ${v.delegatorShares} shares, its delegations ${sum}`;
      }
      return undefined;
    },
  };
}
