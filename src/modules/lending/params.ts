// lending parameters: defaults, validation, and their place in state.
import { moduleParams } from '../../app/module-params.js';
import { Params } from '../../generated/cybermiles/lending/v1/lending.js';
import type { KVReader } from '../../store/types.js';
import { PARAMS_KEY } from './keys.js';

const DAY = 24n * 3600n;

export const DEFAULT_LENDING_PARAMS: Params = {
  gracePeriodSeconds: 7n * DAY,
  minTermSeconds: DAY,
  maxTermSeconds: 5n * 365n * DAY,
  maxListingSeconds: 30n * DAY,
  maxRateBps: 100_000, // 1000 % a year
  maxTimedTransitionsPerBlock: 1000,
};

/** Times are stored as uint64 keys; keep them far from overflow (about 2.9 billion years). */
const MAX_SPAN = 1n << 56n;

export function validateLendingParams(p: Params): string | undefined {
  if (p.minTermSeconds <= 0n) return 'min_term_seconds must be positive';
  if (p.maxTermSeconds < p.minTermSeconds) return 'max_term_seconds is below min_term_seconds';
  if (p.maxTermSeconds > MAX_SPAN) return `max_term_seconds must be at most ${MAX_SPAN}`;
  if (p.gracePeriodSeconds > MAX_SPAN) return `grace_period_seconds must be at most ${MAX_SPAN}`;
  if (p.maxListingSeconds <= 0n) return 'max_listing_seconds must be positive';
  if (p.maxListingSeconds > MAX_SPAN) return `max_listing_seconds must be at most ${MAX_SPAN}`;
  if (p.maxTimedTransitionsPerBlock <= 0) return 'max_timed_transitions_per_block must be positive';
  return undefined;
}

export const lendingParams = moduleParams(PARAMS_KEY, Params, DEFAULT_LENDING_PARAMS, validateLendingParams);
export const getLendingParams = (store: KVReader): Params => lendingParams.get(store);
