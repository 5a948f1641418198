// staking parameters: the CyberMiles DPoS rules, defaulted and validated at genesis.
import { moduleParams } from '../../app/module-params.js';
import { Params } from '../../generated/cybermiles/staking/v1/staking.js';
import type { KVReader } from '../../store/types.js';
import { PARAMS_KEY } from './keys.js';

export const DEFAULT_STAKING_PARAMS: Params = {
  unbondingTimeSeconds: 7n * 24n * 3600n,
  activeValidators: 19,
  backupValidators: 5,
  minSelfBondBps: 1000,
  maxPowerBps: 1200,
  bondDenom: 'ucmt',
  maxEntries: 7,
  powerReduction: 1_000_000n,
};

export function validateStakingParams(p: Params): string | undefined {
  if (p.unbondingTimeSeconds <= 0n) return 'unbonding_time_seconds must be positive';
  if (p.activeValidators <= 0) return 'active_validators must be positive';
  if (p.activeValidators + p.backupValidators > 1000) return 'active_validators + backup_validators must be at most 1000';
  if (p.minSelfBondBps > 10_000) return 'min_self_bond_bps must be at most 10000';
  if (p.maxPowerBps <= 0 || p.maxPowerBps > 10_000) return 'max_power_bps must be in 1..10000';
  if (p.bondDenom === '') return 'bond_denom is empty';
  if (p.maxEntries <= 0) return 'max_entries must be positive';
  if (p.powerReduction <= 0n) return 'power_reduction must be positive';
  return undefined;
}

export const stakingParams = moduleParams(PARAMS_KEY, Params, DEFAULT_STAKING_PARAMS, validateStakingParams);
export const getStakingParams = (store: KVReader): Params => stakingParams.get(store);
