// Account addresses: RIPEMD160(SHA256(compressed secp256k1 pubkey)), bech32 with prefix "cmt".
import { fromBech32, toBech32 } from '@cosmjs/encoding';
import { createHash } from 'node:crypto';
import { ErrInvalidAddress } from '../../errors/sdk-errors.js';

export const BECH32_PREFIX = 'cmt';

export function addressFromPubKey(pubkey: Uint8Array): Uint8Array {
  const sha = createHash('sha256').update(pubkey).digest();
  return new Uint8Array(createHash('ripemd160').update(sha).digest());
}

export function toAddress(bytes: Uint8Array): string {
  return toBech32(BECH32_PREFIX, bytes);
}

/** Parses a bech32 account address; throws ErrInvalidAddress naming the field that was wrong. */
export function parseAddress(address: string, field = 'address'): Uint8Array {
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
