// escrow state keys. Orders by id; indexes by buyer and by seller; a time-ordered queue of
// automatic releases; evidence per order; and who has traded with whom (for arbiter draws).
import { concat, lengthPrefixed, uint64BE, utf8 } from '../../util/bytes.js';

const P = utf8('escrow/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const NEXT_ORDER_ID_KEY = concat(P, utf8('next_order_id'));
export const ORDER_PREFIX = concat(P, utf8('o/'));
export const BY_BUYER_PREFIX = concat(P, utf8('b/'));
export const BY_SELLER_PREFIX = concat(P, utf8('s/'));
export const RELEASE_QUEUE_PREFIX = concat(P, utf8('q/'));
export const EVIDENCE_PREFIX = concat(P, utf8('e/'));
export const TRADED_PREFIX = concat(P, utf8('t/'));

/** Index values carry no data; one byte keeps them distinct from deletions everywhere. */
export const PRESENT = Uint8Array.of(1);

export const orderKey = (id: bigint): Uint8Array => concat(ORDER_PREFIX, uint64BE(id));
export const byBuyerPrefix = (buyer: Uint8Array): Uint8Array => concat(BY_BUYER_PREFIX, lengthPrefixed(buyer));
export const bySellerPrefix = (seller: Uint8Array): Uint8Array => concat(BY_SELLER_PREFIX, lengthPrefixed(seller));
export const byBuyerKey = (buyer: Uint8Array, id: bigint): Uint8Array => concat(byBuyerPrefix(buyer), uint64BE(id));
export const bySellerKey = (seller: Uint8Array, id: bigint): Uint8Array => concat(bySellerPrefix(seller), uint64BE(id));
/** Ordered by release time, then order id. */
export const releaseQueueKey = (time: bigint, id: bigint): Uint8Array => concat(RELEASE_QUEUE_PREFIX, uint64BE(time), uint64BE(id));
export const evidencePrefix = (orderId: bigint): Uint8Array => concat(EVIDENCE_PREFIX, uint64BE(orderId));
export const evidenceKey = (orderId: bigint, seq: number): Uint8Array => concat(evidencePrefix(orderId), uint64BE(BigInt(seq)));
export const tradedKey = (a: Uint8Array, b: Uint8Array): Uint8Array => concat(TRADED_PREFIX, lengthPrefixed(a), b);

/** The order id at the end of an index or queue key. */
export function idAtEnd(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset + key.length - 8, 8).getBigUint64(0);
}
