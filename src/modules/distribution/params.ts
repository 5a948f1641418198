// distribution parameters.
import { moduleParams } from '../../app/module-params.js';
import { Params } from '../../generated/cybermiles/distribution/v1/distribution.js';
import { PARAMS_KEY } from './keys.js';

export const DEFAULT_DISTRIBUTION_PARAMS: Params = { inflationBps: 800, backupShareBps: 1000 };

export function validateDistributionParams(p: Params): string | undefined {
  if (p.inflationBps > 10_000) return 'inflation_bps must be at most 10000';
  if (p.backupShareBps > 10_000) return 'backup_share_bps must be at most 10000';
  return undefined;
}

export const distributionParams = moduleParams(PARAMS_KEY, Params, DEFAULT_DISTRIBUTION_PARAMS, validateDistributionParams);
