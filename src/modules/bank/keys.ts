// bank state keys: balances by (address, denom) and supply by denom; values are Coin protobuf bytes.
import { concat, lengthPrefixed, utf8 } from '../../util/bytes.js';

export const BANK_PREFIX = utf8('bank/');
export const BALANCE_PREFIX = concat(BANK_PREFIX, utf8('b/'));
export const SUPPLY_PREFIX = concat(BANK_PREFIX, utf8('s/'));
/** Coins burned since genesis, by denom (slashes, penalties): the supply invariant reads it. */
export const BURNED_PREFIX = concat(BANK_PREFIX, utf8('burned/'));

export const balancesPrefix = (address: Uint8Array): Uint8Array => concat(BALANCE_PREFIX, lengthPrefixed(address));
export const balanceKey = (address: Uint8Array, denom: string): Uint8Array => concat(balancesPrefix(address), utf8(denom));
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
