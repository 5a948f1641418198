// Account addresses: RIPEMD160(SHA256(compressed secp256k1 pubkey)), bech32 with prefix "cmt".
import { fromBech32, toBech32 } from '@cosmjs/encoding';
import { createHash } from 'node:crypto';
import { ErrInvalidAddress } from '../../errors/sdk-errors.js';
import { latin1 } from '../../store/bytes.js';
import { BoundedCache } from '../../util/bounded-cache.js';

export const BECH32_PREFIX = 'cmt';

// bech32 encoding and decoding are pure but not cheap (a checksum over every character, twice
// for a parse), and a transfer converts the same few addresses about a dozen times between CheckTx
// and FinalizeBlock. Both directions are memoised in bounded maps (oldest entry dropped first);
// only successful parses are remembered, and callers get their own copy of the bytes.
const MEMO_SIZE = 50_000;
const parsed = new BoundedCache<Uint8Array>(MEMO_SIZE);
const encoded = new BoundedCache<string>(MEMO_SIZE);

export function addressFromPubKey(pubkey: Uint8Array): Uint8Array {
  const sha = createHash('sha256').update(pubkey).digest();
  return new Uint8Array(createHash('ripemd160').update(sha).digest());
}

export function toAddress(bytes: Uint8Array): string {
  const key = latin1(bytes);
  const known = encoded.get(key);
  if (known !== undefined) return known;
  const address = toBech32(BECH32_PREFIX, bytes);
  encoded.set(key, address);
  return address;
}

/** Parses a bech32 account address; throws ErrInvalidAddress naming the field that was wrong. */
export function parseAddress(address: string, field = 'address'): Uint8Array {
  const known = parsed.get(address);
  if (known !== undefined) return known.slice();
  const bytes = parseAddressUncached(address, field);
  parsed.set(address, bytes.slice());
  return bytes;
}

/**
 * parseAddress without the copy: the bytes are shared with the memo and every other caller, so
 * they must only be read (hashed, compared, copied into a key). For the tx path, which parses the
 * same few addresses a dozen times per tx.
 */
export function parseAddressShared(address: string, field = 'address'): Uint8Array {
  const known = parsed.get(address);
  if (known !== undefined) return known;
  const bytes = parseAddressUncached(address, field);
  parsed.set(address, bytes);
  return bytes;
}

function parseAddressUncached(address: string, field: string): Uint8Array {
  if (address === '') throw ErrInvalidAddress(`${field} is empty`);
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(address, 1023);
  } catch (e) {
    throw ErrInvalidAddress(`${field} ${JSON.stringify(address)} is not valid bech32 (${(e as Error).message})`);
  }
  if (decoded.prefix !== BECH32_PREFIX) {
    throw ErrInvalidAddress(`${field} ${address} has prefix "${decoded.prefix}", expected "${BECH32_PREFIX}"`);
  }
  if (toBech32(decoded.prefix, decoded.data) !== address) {
    throw ErrInvalidAddress(`${field} ${address} is not in canonical lower-case form`);
  }
  if (decoded.data.length !== 20 && decoded.data.length !== 32) {
    throw ErrInvalidAddress(`${field} ${address} has ${decoded.data.length} bytes, expected 20 or 32`);
  }
  return decoded.data;
}

/** The address of a module account, as the SDK derives it: the first 20 bytes of SHA256(name). */
export function moduleAddress(name: string): string {
  return toAddress(new Uint8Array(createHash('sha256').update(name).digest().subarray(0, 20)));
}
