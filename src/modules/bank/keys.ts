// bank state keys: balances by (address, denom) and supply by denom; values are Coin protobuf bytes.
import { concat, lengthPrefixed, utf8 } from '../../util/bytes.js';

export const BANK_PREFIX = utf8('bank/');
export const BALANCE_PREFIX = concat(BANK_PREFIX, utf8('b/'));
export const SUPPLY_PREFIX = concat(BANK_PREFIX, utf8('s/'));
/** Coins burned since genesis, by denom (slashes, penalties): the supply invariant reads it. */
export const BURNED_PREFIX = concat(BANK_PREFIX, utf8('burned/'));

export const balancesPrefix = (address: Uint8Array): Uint8Array => concat(BALANCE_PREFIX, lengthPrefixed(address));
/** BALANCE_PREFIX, the address length-prefixed, the denom: built in one allocation (on every balance read). */
export function balanceKey(address: Uint8Array, denom: string): Uint8Array {
  if (address.length > 255) throw new Error(`length-prefixed key part too long: ${address.length} bytes`);
  const d = denomBytes(denom);
  const p = BALANCE_PREFIX.length;
  const out = new Uint8Array(p + 1 + address.length + d.length);
  out.set(BALANCE_PREFIX, 0);
  out[p] = address.length;
  out.set(address, p + 1);
  out.set(d, p + 1 + address.length);
  return out;
}

// Denoms are few: their UTF-8 bytes are kept (bounded, in case of many distinct denoms).
const DENOM_BYTES_MAX = 1024;
const denomCache = new Map<string, Uint8Array>();
function denomBytes(denom: string): Uint8Array {
  const known = denomCache.get(denom);
  if (known !== undefined) return known;
  const bytes = utf8(denom);
  if (denomCache.size < DENOM_BYTES_MAX) denomCache.set(denom, bytes);
  return bytes;
}
export const supplyKey = (denom: string): Uint8Array => concat(SUPPLY_PREFIX, utf8(denom));
export const burnedKey = (denom: string): Uint8Array => concat(BURNED_PREFIX, utf8(denom));

/** Splits a balance key back into (address, denom). */
export function parseBalanceKey(key: Uint8Array): { address: Uint8Array; denom: string } {
  const len = key[BALANCE_PREFIX.length];
  if (len === undefined) throw new Error('malformed balance key');
  const start = BALANCE_PREFIX.length + 1;
  return {
    address: key.subarray(start, start + len),
    denom: new TextDecoder().decode(key.subarray(start + len)),
  };
}
