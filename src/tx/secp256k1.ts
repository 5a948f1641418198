// secp256k1 signature checks on libsecp256k1 (the `secp256k1` package's prebuilt N-API binding,
// ~15,000 verifications/s per core here, against ~700 for a pure-JS curve). Only low-S signatures
// are valid, as in the Cosmos SDK, so a signature cannot be malleated into a second valid one.
import { createRequire } from 'node:module';
import { latin1 } from '../store/bytes.js';
import { BoundedCache } from '../util/bounded-cache.js';

interface Secp256k1Binding {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
  publicKeyVerify(pubkey: Uint8Array): boolean;
}

const require = createRequire(import.meta.url);

function loadBinding(): { lib: Secp256k1Binding; native: boolean } {
  try {
    return { lib: require('secp256k1/bindings') as Secp256k1Binding, native: true };
  } catch {
    return { lib: require('secp256k1/elliptic') as Secp256k1Binding, native: false };
  }
}

const { lib, native } = loadBinding();
/** False when the native binding could not load and the slow JS fallback is in use. */
export const secp256k1IsNative = native;

// n/2 for secp256k1's group order n, big-endian.
const HALF_ORDER = Buffer.from('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0', 'hex');

/** 0 < s <= n/2, comparing the 32 big-endian bytes of s (no bigint on the hot path). */
export function isLowS(sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  let zero = true;
  let order = 0; // sign of s - n/2, decided by the first differing byte
  for (let i = 0; i < 32; i++) {
    const b = sig[32 + i] as number;
    if (b !== 0) zero = false;
    if (order === 0) order = b - (HALF_ORDER[i] as number);
  }
  return !zero && order <= 0;
}

// Public keys found valid (a pure property of the bytes); parsing one costs a few microseconds
// and the same keys sign tx after tx. Bounded, oldest dropped first.
const VALID_KEYS_MAX = 50_000;
const validKeys = new BoundedCache<true>(VALID_KEYS_MAX);

export function isValidPubKey(pubkey: Uint8Array): boolean {
  if (pubkey.length !== 33) return false;
  const key = latin1(pubkey);
  if (validKeys.has(key)) return true;
  if (!lib.publicKeyVerify(pubkey)) return false;
  validKeys.set(key, true);
  return true;
}

/** Verifies a 64-byte compact (r || s) signature over a 32-byte digest. High-S is refused. */
export function verifySecp256k1(sig: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
  if (sig.length !== 64 || digest.length !== 32 || !isLowS(sig)) return false;
  try {
    return lib.ecdsaVerify(sig, digest, pubkey);
  } catch {
    return false;
  }
}
