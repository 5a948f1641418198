// arbitration parameters: defaults, validation, and their place in state.
import { Params } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import { moduleParams } from '../../app/module-params.js';
import type { KVReader } from '../../store/types.js';
import { PARAMS_KEY } from './keys.js';

export const DEFAULT_ARBITRATION_PARAMS: Params = {
  minBond: '1000000000', // 1,000 CMT
  unbondingSeconds: 7n * 24n * 3600n,
  acceptanceSeconds: 24n * 3600n,
  rulingSeconds: 7n * 24n * 3600n,
  maxRejections: 2,
  missedDeadlineSlashBps: 1000,
  maxTimedTransitionsPerBlock: 1000,
};

export function validateArbitrationParams(p: Params): string | undefined {
  if (!/^[0-9]+$/.test(p.minBond)) return 'min_bond must be a whole number of ucmt';
  if (p.acceptanceSeconds <= 0n || p.rulingSeconds <= 0n) return 'acceptance_seconds and ruling_seconds must be positive';
  if (p.missedDeadlineSlashBps > 10_000) return 'missed_deadline_slash_bps must be at most 10000';
  if (p.maxTimedTransitionsPerBlock <= 0) return 'max_timed_transitions_per_block must be positive';
  return undefined;
}

export const arbitrationParams = moduleParams(PARAMS_KEY, Params, DEFAULT_ARBITRATION_PARAMS, validateArbitrationParams);
export const getArbitrationParams = (store: KVReader): Params => arbitrationParams.get(store);
