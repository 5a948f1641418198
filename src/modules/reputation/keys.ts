// reputation state keys: reviews by (order, side); reviews of an account by role (index); scores
// by (account, role); traders' activity by account; and how often a reviewer has reviewed an
// account in a role (repeat reviews count less).
import { concat, lengthPrefixed, uint64BE, utf8 } from '../../util/bytes.js';
import type { Role, Side } from '../../generated/cybermiles/reputation/v1/reputation.js';

const P = utf8('rep/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const REVIEW_PREFIX = concat(P, utf8('r/'));
export const REVIEWS_OF_PREFIX = concat(P, utf8('x/'));
export const SCORE_PREFIX = concat(P, utf8('s/'));
export const TRADER_PREFIX = concat(P, utf8('t/'));
export const PAIR_PREFIX = concat(P, utf8('p/'));

export const PRESENT = Uint8Array.of(1);

export const reviewKey = (orderId: bigint, side: Side): Uint8Array => concat(REVIEW_PREFIX, uint64BE(orderId), Uint8Array.of(side));
/** All reviews of an account, grouped by role, each group in order-id order. */
export const reviewsOfPrefix = (reviewed: Uint8Array): Uint8Array => concat(REVIEWS_OF_PREFIX, lengthPrefixed(reviewed));
export const reviewsOfRolePrefix = (reviewed: Uint8Array, role: Role): Uint8Array => concat(reviewsOfPrefix(reviewed), Uint8Array.of(role));
export const reviewsOfKey = (reviewed: Uint8Array, role: Role, orderId: bigint, side: Side): Uint8Array =>
  concat(reviewsOfRolePrefix(reviewed, role), uint64BE(orderId), Uint8Array.of(side));
export const scoreKey = (account: Uint8Array, role: Role): Uint8Array => concat(SCORE_PREFIX, lengthPrefixed(account), Uint8Array.of(role));
export const traderKey = (account: Uint8Array): Uint8Array => concat(TRADER_PREFIX, account);
export const pairKey = (reviewed: Uint8Array, role: Role, reviewer: Uint8Array): Uint8Array =>
  concat(PAIR_PREFIX, lengthPrefixed(reviewed), Uint8Array.of(role), lengthPrefixed(reviewer));

/** The (order id, side) at the end of a review or index key. */
export function reviewAtEnd(key: Uint8Array): { orderId: bigint; side: Side } {
  const view = new DataView(key.buffer, key.byteOffset + key.length - 9, 9);
  return { orderId: view.getBigUint64(0), side: view.getUint8(8) as Side };
}
