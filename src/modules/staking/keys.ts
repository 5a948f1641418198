// staking state keys. Validators by operator; a power index (stake high to low, then operator)
// so that end-block reads only the top active+backup entries; delegations by delegator with an
// index by validator; unbonding and redelegation records with time-ordered queues; the set last
// reported to CometBFT; consensus addresses; each delegator's total delegated tokens (fees reads it).
import { concat, lengthPrefixed, uint64BE, utf8 } from '../../util/bytes.js';

const P = utf8('staking/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const VALIDATOR_PREFIX = concat(P, utf8('v/'));
export const POWER_INDEX_PREFIX = concat(P, utf8('pi/'));
export const DELEGATION_PREFIX = concat(P, utf8('d/'));
export const DELEGATION_BY_VAL_PREFIX = concat(P, utf8('dv/'));
export const UNBONDING_PREFIX = concat(P, utf8('u/'));
export const UNBONDING_BY_VAL_PREFIX = concat(P, utf8('uv/'));
export const UNBONDING_QUEUE_PREFIX = concat(P, utf8('uq/'));
export const REDELEGATION_PREFIX = concat(P, utf8('r/'));
export const REDELEGATION_BY_SRC_PREFIX = concat(P, utf8('rs/'));
export const REDELEGATION_BY_DST_PREFIX = concat(P, utf8('rd/'));
export const REDELEGATION_QUEUE_PREFIX = concat(P, utf8('rq/'));
export const LAST_POWER_PREFIX = concat(P, utf8('lp/'));
export const CONS_ADDR_PREFIX = concat(P, utf8('c/'));
export const DELEGATED_TOTAL_PREFIX = concat(P, utf8('dt/'));
export const VALIDATOR_QUEUE_PREFIX = concat(P, utf8('vq/'));

export const PRESENT = Uint8Array.of(1);
const MAX_128 = (1n << 128n) - 1n;

function uint128BE(n: bigint): Uint8Array {
  return concat(uint64BE(n >> 64n), uint64BE(n & ((1n << 64n) - 1n)));
}

export const validatorKey = (val: Uint8Array): Uint8Array => concat(VALIDATOR_PREFIX, val);
/** Highest stake first: the inverted token amount, then the operator (ties by address). */
export const powerIndexKey = (tokens: bigint, val: Uint8Array): Uint8Array =>
  concat(POWER_INDEX_PREFIX, uint128BE(MAX_128 - tokens), val);
export const valAtEnd = (key: Uint8Array): Uint8Array => key.slice(key.length - 20);

export const delegationsOfPrefix = (del: Uint8Array): Uint8Array => concat(DELEGATION_PREFIX, lengthPrefixed(del));
export const delegationKey = (del: Uint8Array, val: Uint8Array): Uint8Array => concat(delegationsOfPrefix(del), val);
export const delegationsToPrefix = (val: Uint8Array): Uint8Array => concat(DELEGATION_BY_VAL_PREFIX, val);
export const delegationByValKey = (val: Uint8Array, del: Uint8Array): Uint8Array => concat(delegationsToPrefix(val), del);

export const unbondingsOfPrefix = (del: Uint8Array): Uint8Array => concat(UNBONDING_PREFIX, lengthPrefixed(del));
export const unbondingKey = (del: Uint8Array, val: Uint8Array): Uint8Array => concat(unbondingsOfPrefix(del), val);
export const unbondingsToPrefix = (val: Uint8Array): Uint8Array => concat(UNBONDING_BY_VAL_PREFIX, val);
export const unbondingByValKey = (val: Uint8Array, del: Uint8Array): Uint8Array => concat(unbondingsToPrefix(val), del);
/** Ordered by completion time (seconds, nanos), then the pair. */
export const unbondingQueueKey = (seconds: bigint, nanos: number, del: Uint8Array, val: Uint8Array): Uint8Array =>
  concat(UNBONDING_QUEUE_PREFIX, uint64BE(seconds), uint64BE(BigInt(nanos)), lengthPrefixed(del), val);

export const redelegationsOfPrefix = (del: Uint8Array): Uint8Array => concat(REDELEGATION_PREFIX, lengthPrefixed(del));
export const redelegationKey = (del: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array =>
  concat(redelegationsOfPrefix(del), src, dst);
export const redelegationsFromPrefix = (src: Uint8Array): Uint8Array => concat(REDELEGATION_BY_SRC_PREFIX, src);
export const redelegationBySrcKey = (src: Uint8Array, del: Uint8Array, dst: Uint8Array): Uint8Array =>
  concat(redelegationsFromPrefix(src), lengthPrefixed(del), dst);
export const redelegationsIntoPrefix = (dst: Uint8Array, del: Uint8Array): Uint8Array =>
  concat(REDELEGATION_BY_DST_PREFIX, dst, lengthPrefixed(del));
export const redelegationByDstKey = (dst: Uint8Array, del: Uint8Array, src: Uint8Array): Uint8Array =>
  concat(redelegationsIntoPrefix(dst, del), src);
export const redelegationQueueKey = (seconds: bigint, nanos: number, del: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array =>
  concat(REDELEGATION_QUEUE_PREFIX, uint64BE(seconds), uint64BE(BigInt(nanos)), lengthPrefixed(del), src, dst);

/** Validators leaving the bonded set, by the end of their unbonding (seconds, nanos). */
export const validatorQueueKey = (seconds: bigint, nanos: number, val: Uint8Array): Uint8Array =>
  concat(VALIDATOR_QUEUE_PREFIX, uint64BE(seconds), uint64BE(BigInt(nanos)), val);
export const lastPowerKey = (val: Uint8Array): Uint8Array => concat(LAST_POWER_PREFIX, val);
export const consAddrKey = (cons: Uint8Array): Uint8Array => concat(CONS_ADDR_PREFIX, cons);
export const delegatedTotalKey = (del: Uint8Array): Uint8Array => concat(DELEGATED_TOTAL_PREFIX, del);

/** Splits a length-prefixed address followed by fixed 20-byte addresses. */
export function splitPair(rest: Uint8Array): { first: Uint8Array; tail: Uint8Array } {
  const len = rest[0] ?? 0;
  return { first: rest.slice(1, 1 + len), tail: rest.slice(1 + len) };
}
