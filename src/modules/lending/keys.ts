// lending state keys. Offers, requests and loans by id; loans by lender and by borrower; open
// offers and requests by rate (for the filtered listings); credit histories by borrower; three
// time-ordered queues: offer expiry, request expiry, loan default (end of the grace period).
import { concat, lengthPrefixed, uint64BE, utf8 } from '../../util/bytes.js';

const P = utf8('lending/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const NEXT_OFFER_ID_KEY = concat(P, utf8('next_offer_id'));
export const NEXT_REQUEST_ID_KEY = concat(P, utf8('next_request_id'));
export const NEXT_LOAN_ID_KEY = concat(P, utf8('next_loan_id'));
export const OFFER_PREFIX = concat(P, utf8('o/'));
export const REQUEST_PREFIX = concat(P, utf8('r/'));
export const LOAN_PREFIX = concat(P, utf8('l/'));
export const HISTORY_PREFIX = concat(P, utf8('h/'));
export const BY_LENDER_PREFIX = concat(P, utf8('ln/'));
export const BY_BORROWER_PREFIX = concat(P, utf8('bw/'));
/** Open offers ordered by rate, then id. */
export const OPEN_OFFERS_PREFIX = concat(P, utf8('oo/'));
/** Open requests ordered by maximum rate, then id. */
export const OPEN_REQUESTS_PREFIX = concat(P, utf8('or/'));
export const OFFER_EXPIRY_QUEUE_PREFIX = concat(P, utf8('qo/'));
export const REQUEST_EXPIRY_QUEUE_PREFIX = concat(P, utf8('qr/'));
export const DEFAULT_QUEUE_PREFIX = concat(P, utf8('qd/'));

/** Index values carry no data; one byte keeps them distinct from deletions everywhere. */
export const PRESENT = Uint8Array.of(1);

export function uint32BE(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`${n} is outside the unsigned 32-bit range`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export const offerKey = (id: bigint): Uint8Array => concat(OFFER_PREFIX, uint64BE(id));
export const requestKey = (id: bigint): Uint8Array => concat(REQUEST_PREFIX, uint64BE(id));
export const loanKey = (id: bigint): Uint8Array => concat(LOAN_PREFIX, uint64BE(id));
export const historyKey = (borrower: Uint8Array): Uint8Array => concat(HISTORY_PREFIX, lengthPrefixed(borrower));
export const byLenderPrefix = (lender: Uint8Array): Uint8Array => concat(BY_LENDER_PREFIX, lengthPrefixed(lender));
export const byBorrowerPrefix = (borrower: Uint8Array): Uint8Array => concat(BY_BORROWER_PREFIX, lengthPrefixed(borrower));
export const byLenderKey = (lender: Uint8Array, loanId: bigint): Uint8Array => concat(byLenderPrefix(lender), uint64BE(loanId));
export const byBorrowerKey = (borrower: Uint8Array, loanId: bigint): Uint8Array => concat(byBorrowerPrefix(borrower), uint64BE(loanId));
export const openOfferKey = (rateBps: number, id: bigint): Uint8Array => concat(OPEN_OFFERS_PREFIX, uint32BE(rateBps), uint64BE(id));
export const openRequestKey = (maxRateBps: number, id: bigint): Uint8Array => concat(OPEN_REQUESTS_PREFIX, uint32BE(maxRateBps), uint64BE(id));
/** Queues: ordered by time, then id. */
export const offerExpiryKey = (expiresAt: bigint, id: bigint): Uint8Array => concat(OFFER_EXPIRY_QUEUE_PREFIX, uint64BE(expiresAt), uint64BE(id));
export const requestExpiryKey = (expiresAt: bigint, id: bigint): Uint8Array => concat(REQUEST_EXPIRY_QUEUE_PREFIX, uint64BE(expiresAt), uint64BE(id));
export const defaultQueueKey = (graceEndsAt: bigint, id: bigint): Uint8Array => concat(DEFAULT_QUEUE_PREFIX, uint64BE(graceEndsAt), uint64BE(id));

/** The id at the end of an index or queue key. */
export function idAtEnd(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset + key.length - 8, 8).getBigUint64(0);
}

/** The time of a queue key (the 8 bytes after the prefix). */
export function timeOfQueueKey(key: Uint8Array, prefix: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset + prefix.length, 8).getBigUint64(0);
}
