// reputation parameters: defaults, validation, and their place in state. Fixed-point fields are
// ppm (1,000,000 = 1.0).
import { moduleParams } from '../../app/module-params.js';
import { Params } from '../../generated/cybermiles/reputation/v1/reputation.js';
import type { KVReader } from '../../store/types.js';
import { PARAMS_KEY } from './keys.js';
import { ONE } from './math.js';

const DAY = 24n * 3600n;

export const DEFAULT_REPUTATION_PARAMS: Params = {
  reviewWindowSeconds: 30n * DAY,
  halfLifeSeconds: 180n * DAY,
  maxValueWeight: 100n * ONE, // sqrt(10,000 CMT): larger orders weigh the same
  minStanding: ONE / 5n, // 0.2
  standingVolume: '1000000000', // 1,000 CMT
  standingAgeSeconds: 90n * DAY,
  priorWeight: ONE, // 1.0: as much as one review of a 1 CMT order by a reviewer in full standing
  disputeLossWeightPerCmt: ONE / 10n, // 0.1 per CMT: a lost 100 CMT dispute weighs 10
  maxDisputeLossWeight: 1000n * ONE,
  penaltyMultiplier: 3n * ONE,
  maxTextLength: 512,
};

export function validateReputationParams(p: Params): string | undefined {
  if (p.reviewWindowSeconds <= 0n) return 'review_window_seconds must be positive';
  if (p.halfLifeSeconds <= 0n) return 'half_life_seconds must be positive';
  if (p.maxValueWeight <= 0n) return 'max_value_weight must be positive';
  if (p.minStanding > ONE) return `min_standing must be at most ${ONE}`;
  if (!/^[0-9]+$/.test(p.standingVolume) || BigInt(p.standingVolume) === 0n) return 'standing_volume must be a positive whole number of ucmt';
  if (p.standingAgeSeconds <= 0n) return 'standing_age_seconds must be positive';
  if (p.maxTextLength <= 0) return 'max_text_length must be positive';
  return undefined;
}

export const reputationParams = moduleParams(PARAMS_KEY, Params, DEFAULT_REPUTATION_PARAMS, validateReputationParams);
export const getReputationParams = (store: KVReader): Params => reputationParams.get(store);
