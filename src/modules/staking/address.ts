// Validator operator addresses: the operator account's 20 bytes with bech32 prefix "cmtvaloper";
// consensus addresses: the first 20 bytes of SHA256(ed25519 pubkey), as CometBFT computes them.
import { fromBech32, toBech32 } from '@cosmjs/encoding';
import { createHash } from 'node:crypto';
import { ErrInvalidAddress } from '../../errors/sdk-errors.js';

export const VALOPER_PREFIX = 'cmtvaloper';
export const VALCONS_PREFIX = 'cmtvalcons';

export const toValoper = (bytes: Uint8Array): string => toBech32(VALOPER_PREFIX, bytes);

export function parseValoper(address: string, field = 'validator_address'): Uint8Array {
  if (address === '') throw ErrInvalidAddress(`${field} is empty`);
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(address);
  } catch (e) {
    throw ErrInvalidAddress(`${field} ${JSON.stringify(address)} is not valid bech32 (${(e as Error).message})`);
  }
  if (decoded.prefix !== VALOPER_PREFIX) throw ErrInvalidAddress(`${field} ${address} has prefix "${decoded.prefix}", expected "${VALOPER_PREFIX}"`);
  if (decoded.data.length !== 20) throw ErrInvalidAddress(`${field} ${address} has ${decoded.data.length} bytes, expected 20`);
  if (toBech32(decoded.prefix, decoded.data) !== address) throw ErrInvalidAddress(`${field} ${address} is not in canonical lower-case form`);
  return decoded.data;
}

export function consAddress(ed25519PubKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(ed25519PubKey).digest().subarray(0, 20));
}
